import type { ScopeCatalog } from '../oauth/scope-catalog.js';
import { Hono } from 'hono';
import * as z from 'zod';
import { errorAnswer } from '../http/error-answer.js';
import { rateLimit } from '../http/rate-limit.js';
import { randomToken, sha256 } from '../oauth/crypto.js';
import { OAuthError } from '../oauth/errors.js';
import { emit } from '../events/events.js';
import type { ClientRecord, TokenEndpointAuthMethod } from '../store/store.js';
import {
  acceptedClientScope,
  assertRedirectUris,
  describeIssues,
  metadataShapes,
  pickDescriptive,
  resolveGrantTypes,
} from './client-metadata.js';
import { builtOnFirstUse } from '../built-on-first-use.js';
import { CLIENT_AUTH_METHODS } from './client-auth.js';
import type { AuthServerDeps } from './deps.js';
import { clientKeysMetadata, jwksSchema } from './private-key-jwt.js';
import { assertRegistrationAllowed } from './registration-policy.js';

const AUTH_METHODS = CLIENT_AUTH_METHODS;

/**
 * RFC 7591 §2: metadata the server does not understand is ignored (zod strips unknown keys). Built on the first
 * registration or configuration update (src/built-on-first-use.ts).
 */
export const registrationSchema = builtOnFirstUse(() => {
  const { descriptive, protocol } = metadataShapes();
  return z.object({
    ...protocol,
    token_endpoint_auth_method: z
      .enum(AUTH_METHODS, { error: (iss) => `unsupported value ${JSON.stringify(iss.input)}; supported: ${AUTH_METHODS.join(', ')}` })
      .optional(),
    ...descriptive,
    // RFC 9449 §5.2: a client that always uses DPoP; kept in metadata and enforced at the token endpoint.
    dpop_bound_access_tokens: z.boolean({ error: 'must be true or false' }).optional(),
    // RFC 7591 §2: the client's public keys for private_key_jwt, by value or by reference (not both).
    jwks: jwksSchema().optional(),
    jwks_uri: z.string({ error: 'must be a string' }).url('must be an absolute URL').max(2000).optional(),
  });
});

/** The registered fields of a client from validated metadata (RFC 7591 §2 defaults applied); throws on a broken rule. */
export function registeredFields(m: z.infer<ReturnType<typeof registrationSchema>>, scopes: ScopeCatalog) {
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

/** RFC 7591 §3.1: the registration request is a JSON document. The body is read only once the type is right. */
export async function parseJsonObject(contentType: string | undefined, readBody: () => Promise<string>): Promise<unknown> {
  if (!/^application\/json\s*(;|$)/i.test(contentType ?? '')) {
    throw new OAuthError('invalid_request', 'registration requests must have Content-Type application/json (RFC 7591 §3.1)', { status: 415 });
  }
  // Read errors (the body limit) propagate as they are; only the parse becomes invalid_client_metadata.
  const raw = await readBody();
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

/** parseJsonObject for a Hono request (also RFC 7592 updates, client-configuration.ts). */
export function readJsonObject(c: import('hono').Context): Promise<unknown> {
  return parseJsonObject(c.req.header('content-type'), () => c.req.text());
}

/** A registration request as any host reads it: the body is read only if the Content-Type is JSON. */
export interface RegistrationRequest {
  contentType: string | undefined;
  authorization: string | undefined;
  readBody: () => Promise<string>;
}

/** What the client gets: status, JSON body and headers, for any host to write. */
export interface RegistrationAnswer {
  status: number;
  body: object;
  headers: Record<string, string>;
}

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

/**
 * POST /oauth/register: Dynamic Client Registration (AS-4), framework-free, for the Hono route below and the
 * node:http one (register-direct.ts). Public clients (token_endpoint_auth_method none) get a client_id;
 * confidential ones also a secret, shown once here and stored only as its SHA-256. Every error becomes its
 * answer through the one error renderer (http/error-answer.ts), as the Hono error handler renders it.
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-3
 */
export function registration(deps: AuthServerDeps): (req: RegistrationRequest) => Promise<RegistrationAnswer> {
  const register = async (req: RegistrationRequest): Promise<RegistrationAnswer> => {
    const parsed = registrationSchema().safeParse(await parseJsonObject(req.contentType, req.readBody));
    if (!parsed.success) throw new OAuthError('invalid_client_metadata', describeIssues(parsed.error));
    const fields = registeredFields(parsed.data, deps.scopes);
    const { tokenEndpointAuthMethod: authMethod, redirectUris, grantTypes } = fields;
    await assertRegistrationAllowed(deps, req.authorization, grantTypes);

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
    return { status: 201, body, headers: NO_STORE };
  };
  return async (req) => {
    try {
      return await register(req);
    } catch (err) {
      if (err instanceof OAuthError) await emit(deps.events, { type: 'client.registration_refused', error: err });
      return errorAnswer(err, deps.logger, REGISTER_PATH);
    }
  };
}

export const REGISTER_PATH = '/oauth/register';

/**
 * POST /oauth/register on Hono: the route `app.request()` and every non-node host see. A server started by the
 * runtime answers it from node:http directly (register-direct.ts), with the same logic and the same headers.
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-3
 */
export function registerRoute(deps: AuthServerDeps, register: (req: RegistrationRequest) => Promise<RegistrationAnswer>): Hono {
  const app = new Hono();
  app.post(REGISTER_PATH, rateLimit(deps.rateLimits.register, deps.config.trustedProxies), async (c) => {
    const answer = await register({ contentType: c.req.header('content-type'), authorization: c.req.header('authorization'), readBody: () => c.req.text() });
    return c.json(answer.body, answer.status as 201, answer.headers);
  });
  return app;
}
