import { Hono } from 'hono';
import { buildIdentityProviders, idpRoutes } from '../idp/routes.js';
import { createUsersService } from '../users/users-service.js';
import { accountRoutes } from './account.js';
import { accountScopesRoute } from './account-scopes.js';
import { adminFlowRoutes } from './admin-flows.js';
import { consentRoutes } from './consent.js';
import { createCsrf } from './csrf.js';
import { realSleep, type WebDeps } from './deps.js';
import { createLoginThrottle } from './login-throttle.js';
import { loginRoutes } from './login.js';
import { stylesRoute } from './styles.js';

export { pagesInteraction } from './pages-interaction.js';
export type { WebDeps } from './deps.js';

/**
 * The pages a person sees (DEMO_MODE=false): /login, /consent, /account (+ /account/revoke), /logout, the
 * administrators' flow timeline /admin/flows (open in demo mode), and the stylesheet. Mount on the
 * authorization server app; pair with `interaction: pagesInteraction(deps)`.
 */
export function webRoutes(deps: WebDeps): Hono {
  const shared = {
    ...deps,
    users: deps.users ?? createUsersService({ store: deps.store, clock: deps.clock }),
    throttle: deps.loginThrottle ?? createLoginThrottle(),
    csrf: createCsrf(deps.config),
    sleep: deps.sleep ?? realSleep,
    identity: deps.identity ?? buildIdentityProviders({ ...deps, providers: deps.config.identityProviders, secretKey: deps.config.secretKey }),
  };
  const app = new Hono();
  app.route('/', stylesRoute());
  app.route('/', loginRoutes(shared));
  app.route('/', consentRoutes(shared));
  app.route('/', accountRoutes(shared));
  app.route('/', accountScopesRoute(shared));
  app.route('/', adminFlowRoutes(shared));
  app.route('/', idpRoutes({ ...shared, ...shared.identity })); // /idp/<name>/start, /idp/<name>/callback
  return app;
}
