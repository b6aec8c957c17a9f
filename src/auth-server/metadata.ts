import { Hono } from 'hono';
import { DPOP_ALGORITHMS } from '../oauth/dpop-proof.js';
import type { AuthServerDeps } from './deps.js';
import { CLIENT_AUTH_METHODS } from './client-auth.js';
import { SUPPORTED_GRANT_TYPES } from './client-metadata.js';
import { PROMPT_VALUES } from './interaction.js';
import { ASSERTION_ALGORITHMS } from './private-key-jwt.js';

/**
 * RFC 8414 authorization server metadata (AS-1, AS-2). The same complete document is served at the OAuth and
 * the OpenID well-known URLs (interop note 4), with `issuer` exactly the configured issuer, no trailing slash.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 */
export function authorizationServerMetadata(issuer: string, scopes: readonly string[]): Record<string, unknown> {
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    registration_endpoint: `${issuer}/oauth/register`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    introspection_endpoint: `${issuer}/oauth/introspect`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    scopes_supported: [...scopes],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    // Derived from what is implemented, so nothing is advertised that does not work (AS-12, interop note 13).
    grant_types_supported: [...SUPPORTED_GRANT_TYPES],
    token_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    revocation_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    // Introspection answers confidential clients only (RFC 7662 §2.1).
    introspection_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS.filter((m) => m !== 'none'),
    // RFC 8414 §2: required when private_key_jwt is listed.
    token_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGORITHMS],
    code_challenge_methods_supported: ['S256'],
    // RFC 9449 §5.1: the proof algorithms the token endpoint accepts.
    dpop_signing_alg_values_supported: [...DPOP_ALGORITHMS],
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
  const doc = authorizationServerMetadata(deps.config.authServer.issuer, deps.scopes.names);
  // RFC 8414 §2: registration_endpoint is optional; a closed server does not offer one.
  if (deps.config.registrationPolicy === 'closed') delete doc.registration_endpoint;
  const serve = (c: import('hono').Context) => c.json(doc, 200, { 'Cache-Control': 'public, max-age=300' });
  app.get('/.well-known/oauth-authorization-server', serve);
  app.get('/.well-known/openid-configuration', serve);
  return app;
}
