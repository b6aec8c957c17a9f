import { Hono } from 'hono';
import { bodyLimit } from '../http/body-limit.js';
import { secureHeaders } from 'hono/secure-headers';
import { publicCors } from '../http/cors.js';
import { AUTH_SERVER_SECURE_HEADERS } from '../http/security-headers.js';
import { errorHandler } from '../http/error-handler.js';
import { OAuthError } from '../oauth/errors.js';
import { authorizeRoute } from './authorize.js';
import { clientConfigurationRoute } from './client-configuration.js';
import type { AuthServerDeps } from './deps.js';
import { healthRoute } from './health.js';
import { introspectRoute } from './introspect.js';
import { jwksRoute } from './jwks.js';
import { metadataRoutes } from './metadata.js';
import { noStore } from './no-store.js';
import { registerRoute, type RegistrationAnswer, type RegistrationRequest } from './register.js';
import { revokeRoute } from './revoke.js';
import { tokenRoute } from './token.js';
import type { TokenExchange } from './token-request.js';

/** Request bodies on this server are small forms and JSON documents. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * The authorization server: every endpoint of docs/architecture.md, composed. `exchange` and `register` are the
 * token and registration logic the node:http routes (token-direct.ts, register-direct.ts) share with these.
 */
export function createAuthServerApp(deps: AuthServerDeps, exchange: TokenExchange, register: (req: RegistrationRequest) => Promise<RegistrationAnswer>): Hono {
  const app = new Hono();
  app.onError(errorHandler(deps.logger));
  app.notFound((c) => c.json({ error: 'not_found', error_description: `no route for ${c.req.method} ${c.req.path}` }, 404));
  app.use('*', secureHeaders(AUTH_SERVER_SECURE_HEADERS));
  // Before the body limit, so a 413 carries CORS headers too and a browser client can read it, and a 413 from
  // a credential endpoint is not cached either (AS-9).
  for (const path of ['/.well-known/*', '/oauth/register', '/oauth/token', '/oauth/revoke', '/oauth/introspect']) {
    app.use(path, publicCors());
  }
  for (const path of ['/oauth/token', '/oauth/revoke', '/oauth/introspect']) app.use(path, noStore());
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new OAuthError('invalid_request', `request body larger than ${MAX_BODY_BYTES} bytes`, { status: 413 });
      },
    }),
  );
  app.route('/', metadataRoutes(deps));
  app.route('/', jwksRoute(deps));
  app.route('/', healthRoute(deps));
  app.route('/', registerRoute(deps, register));
  app.route('/', clientConfigurationRoute(deps));
  app.route('/', authorizeRoute(deps));
  app.route('/', tokenRoute(deps, exchange));
  app.route('/', revokeRoute(deps));
  app.route('/', introspectRoute(deps));
  return app;
}
