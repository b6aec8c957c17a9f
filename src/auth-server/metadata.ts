import { Hono } from 'hono';
import { SUPPORTED_SCOPES } from '../oauth/scopes.js';
import type { AuthServerDeps } from './deps.js';
import { PROMPT_VALUES } from './interaction.js';

/**
 * RFC 8414 authorization server metadata (AS-1, AS-2). The same complete document is served at the OAuth and
 * the OpenID well-known URLs (interop note 4), with `issuer` exactly the configured issuer, no trailing slash.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 */
export function authorizationServerMetadata(issuer: string): Record<string, unknown> {
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    registration_endpoint: `${issuer}/oauth/register`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    introspection_endpoint: `${issuer}/oauth/introspect`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    scopes_supported: SUPPORTED_SCOPES,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    code_challenge_methods_supported: ['S256'],
    prompt_values_supported: [...PROMPT_VALUES],
    authorization_response_iss_parameter_supported: true,
    client_id_metadata_document_supported: true,
    // OpenID discovery requires these fields; this server issues no ID tokens, so it lists only what is true.
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256'],
    service_documentation: `${issuer}/`,
  };
}

export function metadataRoutes(deps: AuthServerDeps): Hono {
  const app = new Hono();
  const doc = authorizationServerMetadata(deps.config.authServer.issuer);
  // RFC 8414 §2: registration_endpoint is optional; a closed server does not offer one.
  if (deps.config.registrationPolicy === 'closed') delete doc.registration_endpoint;
  const serve = (c: import('hono').Context) => c.json(doc, 200, { 'Cache-Control': 'public, max-age=300' });
  app.get('/.well-known/oauth-authorization-server', serve);
  app.get('/.well-known/openid-configuration', serve);
  return app;
}
