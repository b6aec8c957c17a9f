import { HTTPException } from 'hono/http-exception';
import type { Logger } from '../log/logger.js';
import { OAuthError } from '../oauth/errors.js';

/** An error as the client sees it: status, JSON body and headers, for any host to write. */
export interface ErrorAnswer {
  status: number;
  body: { error: string; error_description: string };
  headers: Record<string, string>;
}

/**
 * The one error renderer, shared by the Hono error handler (http/error-handler.ts) and the node:http token
 * route (auth-server/token-direct.ts, through token-request.ts): an OAuthError becomes its RFC 6749 §5.2 body,
 * status and headers (a Basic challenge, Retry-After); an HTTPException (hono's body limit) an invalid_request
 * with its status; anything else a bare server_error. Short text for the client, detail for the log only
 * (docs/security.md): client errors are logged at debug, server errors at error with their cause.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function errorAnswer(err: unknown, logger: Logger, path: string): ErrorAnswer {
  if (err instanceof OAuthError) {
    if (err.status >= 500) logger.error({ err: err.cause ?? err, path }, err.description);
    else logger.debug({ code: err.code, path, cause: (err.cause as Error | undefined)?.message }, err.description);
    return { status: err.status, body: err.toJSON(), headers: { 'Cache-Control': 'no-store', ...err.headers } };
  }
  if (err instanceof HTTPException) {
    return { status: err.status, body: { error: 'invalid_request', error_description: err.message || 'bad request' }, headers: { 'Cache-Control': 'no-store' } };
  }
  logger.error({ err, path }, 'unhandled error');
  return { status: 500, body: { error: 'server_error', error_description: 'internal server error' }, headers: { 'Cache-Control': 'no-store' } };
}
