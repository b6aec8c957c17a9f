import { secretMatchesHash } from '../oauth/crypto.js';
import { OAuthError } from '../oauth/errors.js';
import type { ClientRecord, TokenEndpointAuthMethod } from '../store/store.js';
import { findClient, findClientNow } from './clients.js';
import type { AuthServerDeps } from './deps.js';
import { decodeFormComponent, type FormParams } from './form.js';
import { assertionClientId, JWT_BEARER_ASSERTION_TYPE, verifyClientAssertion } from './private-key-jwt.js';
import { isPromiseLike } from '../maybe-promise.js';

/** The client authentication methods authenticateClient implements, and so the ones metadata advertises (AS-12). */
export const CLIENT_AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const satisfies readonly TokenEndpointAuthMethod[];

export interface AuthenticatedClient {
  client: ClientRecord;
  method: TokenEndpointAuthMethod;
}

/** The two ways of presenting a client secret (RFC 6749 §2.3.1); a client registered for one may use the other. */
const SECRET_METHODS: ReadonlySet<TokenEndpointAuthMethod> = new Set(['client_secret_basic', 'client_secret_post']);

/** RFC 6749 §5.2: a failed Basic attempt is answered 401 with a challenge for the scheme the client used. */
const BASIC_CHALLENGE = { 'WWW-Authenticate': 'Basic realm="oauth-mcp"' };

interface BasicCredentials {
  clientId: string;
  secret: string;
}

function failure(basic: boolean, cause: string): OAuthError {
  // The client learns only that authentication failed; the reason (never a secret) goes to the debug log.
  return new OAuthError('invalid_client', 'client authentication failed', {
    cause: new Error(cause),
    ...(basic && { headers: BASIC_CHALLENGE }),
  });
}

/**
 * Parses `Authorization: Basic`, where the client id and secret are each form-urlencoded before being joined
 * with a colon and base64-encoded. Returns null when the header is absent or uses another scheme.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function parseBasicAuthorization(header: string | undefined): BasicCredentials | null {
  if (!header) return null;
  const match = /^basic[ \t]+([A-Za-z0-9+/=_-]*)[ \t]*$/i.exec(header);
  if (!match) {
    if (/^basic\b/i.test(header)) throw failure(true, 'malformed Basic credentials');
    return null;
  }
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) throw failure(true, 'malformed Basic credentials');
  try {
    // RFC 6749 §2.3.1: client_id and client_secret are encoded with application/x-www-form-urlencoded.
    return { clientId: decodeFormComponent(decoded.slice(0, colon)), secret: decodeFormComponent(decoded.slice(colon + 1)) };
  } catch {
    throw failure(true, 'malformed Basic credentials');
  }
}

/** RFC 7523 §2.2: private_key_jwt, the client named by the assertion (and by client_id when that is sent too). */
async function authenticateByAssertion(deps: AuthServerDeps, params: FormParams): Promise<AuthenticatedClient> {
  if (params.client_assertion_type !== JWT_BEARER_ASSERTION_TYPE) throw new OAuthError('invalid_request', `client_assertion_type must be ${JWT_BEARER_ASSERTION_TYPE}`);
  if (params.client_assertion === undefined) throw new OAuthError('invalid_request', 'client_assertion is required with client_assertion_type');
  const clientId = assertionClientId(params.client_assertion);
  if (clientId === undefined) throw failure(false, 'client assertion without matching iss and sub');
  if (params.client_id !== undefined && params.client_id !== clientId) throw new OAuthError('invalid_request', 'client_id does not match the client assertion');
  const client = await findClient(deps, clientId);
  if (!client) throw failure(false, `unknown client ${clientId}`);
  if (client.tokenEndpointAuthMethod !== 'private_key_jwt') throw failure(false, `client ${clientId} registered ${client.tokenEndpointAuthMethod} but used private_key_jwt`);
  await verifyClientAssertion(deps, client, params.client_assertion);
  return { client, method: 'private_key_jwt' };
}

/**
 * Authenticates the client of a token, revocation or introspection request (AS-12) with the method it
 * registered kind: a secret (client_secret_basic or client_secret_post, either one), a signed assertion
 * (private_key_jwt), or none (a public client names itself by client_id).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3
 */
export async function authenticateClient(
  deps: AuthServerDeps,
  authorization: string | undefined,
  params: FormParams,
): Promise<AuthenticatedClient> {
  return authenticateClientNow(deps, authorization, params);
}

/**
 * `authenticateClient` for the token endpoint, answered at once when the client is cached (no promise on its
 * path for work that never waits); a refusal is thrown, not returned as a rejected promise, unless the client
 * had to be looked up.
 */
export function authenticateClientNow(
  deps: AuthServerDeps,
  authorization: string | undefined,
  params: FormParams,
): AuthenticatedClient | Promise<AuthenticatedClient> {
  const basic = parseBasicAuthorization(authorization);
  const postSecret = params.client_secret;
  const assertion = params.client_assertion;
  // RFC 6749 §2.3: the client MUST NOT use more than one authentication method in each request.
  if (Number(basic !== null) + Number(postSecret !== undefined) + Number(assertion !== undefined) > 1) {
    throw new OAuthError('invalid_request', 'use only one client authentication method');
  }
  if (assertion !== undefined || params.client_assertion_type !== undefined) return authenticateByAssertion(deps, params);
  if (basic && params.client_id !== undefined && params.client_id !== basic.clientId) {
    throw new OAuthError('invalid_request', 'client_id does not match the authenticated client');
  }
  const method: TokenEndpointAuthMethod = basic ? 'client_secret_basic' : postSecret !== undefined ? 'client_secret_post' : 'none';
  const clientId = basic?.clientId ?? params.client_id;
  if (clientId === undefined) throw failure(false, 'no client identification');

  const found = findClientNow(deps, clientId);
  // The cached client (the usual case) is checked at once, without a closure for it.
  if (!isPromiseLike(found)) return verifyClient(found, clientId, method, basic, postSecret);
  return Promise.resolve(found).then((client) => verifyClient(client, clientId, method, basic, postSecret));
}

/** The client found for `clientId` (if any) checked against how it authenticated (AS-12). */
function verifyClient(
  client: ClientRecord | undefined,
  clientId: string,
  method: TokenEndpointAuthMethod,
  basic: BasicCredentials | null,
  postSecret: string | undefined,
): AuthenticatedClient {
  if (!client) throw failure(basic !== null, `unknown client ${clientId}`);
  // A confidential client may present its secret either way: the original demo's documented curl posts it in
  // the body while registration defaults to Basic (RFC 7591 §2), and several MCP clients ignore the registered
  // method (interop note 13). A public client can never use a secret, nor a confidential one go without.
  const sameKind = client.tokenEndpointAuthMethod === method || (SECRET_METHODS.has(client.tokenEndpointAuthMethod) && SECRET_METHODS.has(method));
  if (!sameKind) {
    throw failure(basic !== null, `client ${clientId} registered ${client.tokenEndpointAuthMethod} but used ${method}`);
  }
  if (method !== 'none') {
    const secret = basic?.secret ?? postSecret!;
    // Secrets are stored as SHA-256 only; compare the hashes in constant time (docs/security.md).
    if (client.clientSecretHash === null || !secretMatchesHash(secret, client.clientSecretHash)) {
      throw failure(basic !== null, `wrong secret for client ${clientId}`);
    }
  }
  return { client, method };
}
