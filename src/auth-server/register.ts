import type { ScopeCatalog } from '../oauth/scope-catalog.js';
import { Hono } from 'hono';
import { z } from 'zod';
import { rateLimit } from '../http/rate-limit.js';
import { randomToken, sha256 } from '../oauth/crypto.js';
import { OAuthError } from '../oauth/errors.js';
import { emit } from '../events/events.js';
import type { ClientRecord, TokenEndpointAuthMethod } from '../store/store.js';
import {
  acceptedClientScope,
  assertRedirectUris,
  describeIssues,
  descriptiveMetadataShape,
  pickDescriptive,
  protocolMetadataShape,
  resolveGrantTypes,
} from './client-metadata.js';
import { CLIENT_AUTH_METHODS } from './client-auth.js';
import type { AuthServerDeps } from './deps.js';
import { clientKeysMetadata, jwksSchema } from './private-key-jwt.js';
import { assertRegistrationAllowed } from './registration-policy.js';

const AUTH_METHODS = CLIENT_AUTH_METHODS;

/** RFC 7591 §2: metadata the server does not understand is ignored (zod strips unknown keys). */
export const registrationSchema = z.object({
  ...protocolMetadataShape,
  token_endpoint_auth_method: z
    .enum(AUTH_METHODS, { error: (iss) => `unsupported value ${JSON.stringify(iss.input)}; supported: ${AUTH_METHODS.join(', ')}` })
    .optional(),
  ...descriptiveMetadataShape,
  // RFC 9449 §5.2: a client that always uses DPoP; kept in metadata and enforced at the token endpoint.
  dpop_bound_access_tokens: z.boolean({ error: 'must be true or false' }).optional(),
  // RFC 7591 §2: the client's public keys for private_key_jwt, by value or by reference (not both).
  jwks: jwksSchema.optional(),
  jwks_uri: z.string({ error: 'must be a string' }).url('must be an absolute URL').max(2000).optional(),
});

/** The registered fields of a client from validated metadata (RFC 7591 §2 defaults applied); throws on a broken rule. */
export function registeredFields(m: z.infer<typeof registrationSchema>, scopes: ScopeCatalog) {
  // RFC 7591 §2: token_endpoint_auth_method defaults to client_secret_basic.
  const authMethod: TokenEndpointAuthMethod = m.token_endpoint_auth_method ?? 'client_secret_basic';
  const { grantTypes, responseTypes } = resolveGrantTypes(m.grant_types, m.response_types, authMethod !== 'none');
  const redirectUris = [...new Set(m.redirect_uris ?? [])];
  assertRedirectUris(redirectUris, grantTypes);
  const keys = clientKeysMetadata(m.jwks, m.jwks_uri, authMethod);
  return {
    clientName: m.client_name ?? null,
    redirectUris,
    grantTypes,
    responseTypes,
    tokenEndpointAuthMethod: authMethod,
    scope: acceptedClientScope(scopes, m.scope),
    // OpenID Connect Dynamic Client Registration §2: application_type defaults to web.
    applicationType: m.application_type ?? ('web' as const),
    metadata: { ...pickDescriptive(m), ...keys, ...(m.dpop_bound_access_tokens !== undefined && { dpop_bound_access_tokens: m.dpop_bound_access_tokens }) },
  };
}

/**
 * RFC 7591 §3.2.1 and RFC 7592 §3: the client information response, echoing the registered metadata, with the
 * configuration endpoint's URL and its (new) registration access token.
 */
export function clientInformation(client: ClientRecord, issuer: string, registrationAccessToken: string): Record<string, unknown> {
  return {
    client_id: client.clientId,
    client_id_issued_at: client.createdAt,
    ...(client.clientName !== null && { client_name: client.clientName }),
    redirect_uris: client.redirectUris,
    grant_types: client.grantTypes,
    response_types: client.responseTypes,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    scope: client.scope,
    application_type: client.applicationType,
    ...client.metadata,
    registration_client_uri: `${issuer}/oauth/register/${encodeURIComponent(client.clientId)}`,
    registration_access_token: registrationAccessToken,
  };
}

/** RFC 7591 §3.1: the registration request is a JSON document. */
export async function readJsonObject(c: import('hono').Context): Promise<unknown> {
  const contentType = c.req.header('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    throw new OAuthError('invalid_request', 'registration requests must have Content-Type application/json (RFC 7591 §3.1)', { status: 415 });
  }
  // Read errors (the body limit) propagate as they are; only the parse becomes invalid_client_metadata.
  const raw = await c.req.text();
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new OAuthError('invalid_client_metadata', 'request body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new OAuthError('invalid_client_metadata', 'request body must be a JSON object of client metadata');
  }
  return body;
}

/**
 * POST /oauth/register: Dynamic Client Registration (AS-4). Public clients (token_endpoint_auth_method none)
 * get a client_id; confidential ones also a secret, shown once here and stored only as its SHA-256.
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-3
 */
export function registerRoute(deps: AuthServerDeps): Hono {
  const app = new Hono();
  app.post('/oauth/register', rateLimit(deps.rateLimits.register, deps.config.trustedProxies), async (c) => {
    try {
      return await register(c);
    } catch (err) {
      if (err instanceof OAuthError) await emit(deps.events, { type: 'client.registration_refused', error: err });
      throw err;
    }
  });

  const register = async (c: import('hono').Context): Promise<Response> => {
    const parsed = registrationSchema.safeParse(await readJsonObject(c));
    if (!parsed.success) throw new OAuthError('invalid_client_metadata', describeIssues(parsed.error));
    const fields = registeredFields(parsed.data, deps.scopes);
    const { tokenEndpointAuthMethod: authMethod, redirectUris, grantTypes } = fields;
    await assertRegistrationAllowed(deps, c.req.header('authorization'), grantTypes);

    const now = deps.clock();
    const clientId = randomToken(16);
    // A key-authenticated client holds no secret (RFC 7523 §2.2).
    const clientSecret = authMethod === 'client_secret_basic' || authMethod === 'client_secret_post' ? randomToken(32) : undefined;
    const client: ClientRecord = {
      clientId,
      // docs/security.md: store the hash, never the secret.
      clientSecretHash: clientSecret === undefined ? null : sha256(clientSecret),
      ...fields,
      createdAt: now,
      lastUsedAt: null,
    };
    // RFC 7592 §3: the token for the client configuration endpoint; stored as its SHA-256 only, with the client.
    const registrationAccessToken = randomToken(32);
    await deps.store.createRegisteredClient(client, sha256(registrationAccessToken));
    // Its authorization request usually follows at once: that request finds the record here, not in the store.
    deps.clientCache.set(clientId, client);
    deps.logger.info(
      { event: 'client_registered', clientId, clientName: client.clientName, authMethod, redirectUris, grantTypes },
      'client registered',
    );
    await emit(deps.events, { type: 'client.registered', clientId, clientName: client.clientName, authMethod, redirectUris });

    // RFC 7591 §3.2.1: the client information response echoes the registered metadata.
    const body = {
      ...clientInformation(client, deps.config.authServer.issuer, registrationAccessToken),
      ...(clientSecret !== undefined && { client_secret: clientSecret, client_secret_expires_at: 0 }),
    };
    return c.json(body, 201, { 'Cache-Control': 'no-store', Pragma: 'no-cache' });
  };
  return app;
}
