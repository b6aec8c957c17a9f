import { Hono } from 'hono';
import { authorizationServerMetadata } from '../oauth/authorization-server-metadata.js';
import type { AuthServerDeps } from './deps.js';

export { authorizationServerMetadata };

export function metadataRoutes(deps: AuthServerDeps): Hono {
  const app = new Hono();
  const doc = authorizationServerMetadata(deps.config.authServer.issuer, deps.scopes.names);
  const serve = (c: import('hono').Context) => c.json(doc, 200, { 'Cache-Control': 'public, max-age=300' });
  app.get('/.well-known/oauth-authorization-server', serve);
  app.get('/.well-known/openid-configuration', serve);
  return app;
}
