import type { MiddlewareHandler } from 'hono';
import type { AuthEnv } from '../../resource-server/bearer.js';
import type { TokenVerifier } from '../../resource-server/types.js';
import type { Logger } from '../../log/logger.js';
import { jsonRpcError } from '../http/json-rpc-error.js';
import type { ServerToken } from './server-token.js';

/**
 * Authentication in server-managed mode: a request that brings its own bearer token is checked as usual; one
 * without acts with the server's own token, verified like any other (no bypass of the verifier), so clients
 * that cannot do OAuth still work. Every such client shares the server's identity and data: the price of the
 * mode, which is why it is off by default.
 */
export function serverManagedAuth(opts: {
  bearer: MiddlewareHandler<AuthEnv>;
  serverToken: ServerToken;
  verifier: TokenVerifier;
  logger: Logger;
}): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    if (c.req.header('authorization')) return opts.bearer(c, next);
    try {
      c.set('auth', await opts.verifier.verify(await opts.serverToken.get()));
    } catch (err) {
      opts.logger.error({ err: (err as Error).message }, 'server-managed mode: no usable server token');
      return jsonRpcError(503, -32000, 'The MCP server could not obtain its own access token from the authorization server');
    }
    await next();
  };
}
