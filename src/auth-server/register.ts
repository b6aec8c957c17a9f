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
import { assertRegistrationAllowed } from './registration-policy.js';

const AUTH_METHODS = CLIENT_AUTH_METHODS;

/** RFC 7591 §2: metadata the server does not understand is ignored (zod strips unknown keys). */
const registrationSchema = z.object({
  ...protocolMetadataShape,
  token_endpoint_auth_method: z
    .enum(AUTH_METHODS, { error: (iss) => `unsupported value ${JSON.stringify(iss.input)}; supported: ${AUTH_METHODS.join(', ')}` })
    .optional(),
  ...descriptiveMetadataShape,
});

/** RFC 7591 §3.1: the registration request is a JSON document. */
async function readJsonObject(c: import('hono').Context): Promise<unknown> {
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
    const m = parsed.data;

    // RFC 7591 §2: token_endpoint_auth_method defaults to client_secret_basic.
    const authMethod: TokenEndpointAuthMethod = m.token_endpoint_auth_method ?? 'client_secret_basic';
    const confidential = authMethod !== 'none';
    const { grantTypes, responseTypes } = resolveGrantTypes(m.grant_types, m.response_types, confidential);
    const redirectUris = [...new Set(m.redirect_uris ?? [])];
    assertRedirectUris(redirectUris, grantTypes);
    await assertRegistrationAllowed(deps, c.req.header('authorization'), grantTypes);

    const now = deps.clock();
    const clientId = randomToken(16);
    const clientSecret = confidential ? randomToken(32) : undefined;
    const metadata = pickDescriptive(m);
    const client: ClientRecord = {
      clientId,
      // docs/security.md: store the hash, never the secret.
      clientSecretHash: clientSecret === undefined ? null : sha256(clientSecret),
      clientName: m.client_name ?? null,
      redirectUris,
      grantTypes,
      responseTypes,
      tokenEndpointAuthMethod: authMethod,
      scope: acceptedClientScope(deps.scopes, m.scope),
      // OpenID Connect Dynamic Client Registration §2: application_type defaults to web.
      applicationType: m.application_type ?? 'web',
      metadata,
      createdAt: now,
      lastUsedAt: null,
    };
    await deps.store.createClient(client);
    deps.logger.info(
      { event: 'client_registered', clientId, clientName: client.clientName, authMethod, redirectUris, grantTypes },
      'client registered',
    );
    await emit(deps.events, { type: 'client.registered', clientId, clientName: client.clientName, authMethod, redirectUris });

    // RFC 7591 §3.2.1: the client information response echoes the registered metadata.
    const body = {
      client_id: clientId,
      ...(clientSecret !== undefined && { client_secret: clientSecret, client_secret_expires_at: 0 }),
      client_id_issued_at: now,
      ...(client.clientName !== null && { client_name: client.clientName }),
      redirect_uris: redirectUris,
      grant_types: grantTypes,
      response_types: responseTypes,
      token_endpoint_auth_method: authMethod,
      scope: client.scope,
      application_type: client.applicationType,
      ...metadata,
    };
    return c.json(body, 201, { 'Cache-Control': 'no-store', Pragma: 'no-cache' });
  };
  return app;
}
