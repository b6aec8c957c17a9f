/**
 * The records the Store takes and returns (store.ts), camelCase; the Kysely mappers turn them into rows
 * (kysely/). Times are Unix seconds. Secrets arrive here already hashed.
 */

export type TokenEndpointAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

export interface ClientRecord {
  clientId: string;
  /** SHA-256 of the secret; null for public clients (token_endpoint_auth_method none). */
  clientSecretHash: string | null;
  clientName: string | null;
  redirectUris: string[];
  grantTypes: string[];
  responseTypes: string[];
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** Space-delimited scopes the client may ask for. */
  scope: string;
  applicationType: 'web' | 'native';
  /** Other registered metadata (client_uri, logo_uri, contacts, software_id, ...), echoed back as given. */
  metadata: Record<string, unknown>;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface UserRecord {
  id: string;
  username: string;
  /** scrypt hash in the form scrypt$N$r$p$salt$hash; null for a user that cannot log in with a password. */
  passwordHash: string | null;
  isAdmin: boolean;
  createdAt: number;
}

/** A user's (or, for client_credentials, a client's) standing permission for one client. */
export interface GrantRecord {
  id: string;
  clientId: string;
  subject: string;
  scope: string;
  resource: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
  /** The flow of the authorization that created the grant (observability/audit.ts); absent when unknown. */
  flowId?: string;
}

export interface AuthorizationCodeRecord {
  codeHash: string;
  grantId: string;
  clientId: string;
  subject: string;
  redirectUri: string;
  codeChallenge: string;
  scope: string;
  resource: string;
  expiresAt: number;
  usedAt: number | null;
  createdAt: number;
}

export interface RefreshTokenRecord {
  tokenHash: string;
  grantId: string;
  clientId: string;
  subject: string;
  scope: string;
  resource: string;
  expiresAt: number;
  /** When this token was exchanged for its successor; a later use is reuse (after the grace window). */
  rotatedAt: number | null;
  revokedAt: number | null;
  createdAt: number;
  /** RFC 9449 §5: the DPoP key thumbprint a public client's refresh token is bound to; absent or null when unbound. */
  dpopJkt?: string | null;
}

/** An authorization code read with its grant (the code exchange's first step); `grant` is undefined when it is gone. */
export interface CodeWithGrant {
  code: AuthorizationCodeRecord;
  grant: GrantRecord | undefined;
}

/** A refresh token read with its grant (the refresh grant's first step); `grant` is undefined when it is gone. */
export interface RefreshTokenWithGrant {
  token: RefreshTokenRecord;
  grant: GrantRecord | undefined;
}

export interface SigningKeyRecord {
  kid: string;
  alg: string;
  publicJwk: Record<string, unknown>;
  /** The private JWK, encrypted with a key derived from SECRET_KEY (keys/encryption.ts). */
  privateJwkEncrypted: string;
  createdAt: number;
  /** Set when a newer key took over signing; the public key stays published until `expiresAt`. */
  retiredAt: number | null;
  /** After this time no token it signed can still be valid; the key may be deleted. */
  expiresAt: number | null;
}

export interface DataItemRecord {
  id: number;
  owner: string;
  name: string;
  value: number;
  createdAt: number;
  updatedAt: number;
}

/** A signed-in browser session of the login pages; the cookie holds the id, the store its SHA-256. */
export interface WebSessionRecord {
  idHash: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
}

/** An authorization request waiting for a person (login, consent); `request` is its JSON, opaque to the store. */
export interface WebInteractionRecord {
  idHash: string;
  request: string;
  createdAt: number;
  expiresAt: number;
}

/** What a person agreed to let a client do at a resource, so the consent page is not shown again for it. */
export interface ConsentRecord {
  subject: string;
  clientId: string;
  resource: string;
  /** Space-delimited scopes consented to. */
  scope: string;
  createdAt: number;
  updatedAt: number;
}

/**
 * One security decision (docs/observability.md): who (client, subject), what (type), how it went (outcome), and for a
 * refusal the rule that refused it and the OAuth error code. Never a secret, code or token.
 */
export interface AuditEventRecord {
  /** Assigned by the store, increasing in insertion order. */
  id: number;
  at: number;
  type: string;
  outcome: 'success' | 'failure';
  clientId: string | null;
  subject: string | null;
  flowId: string | null;
  /** The rule that refused the request, e.g. 'AS-7 redirect_uri not registered (RFC 6749 §3.1.2)'. */
  rule: string | null;
  /** The OAuth error code answered (invalid_grant, ...). */
  error: string | null;
  /** Short free text: grant type, scope, how consent was given. */
  detail: string | null;
  requestId: string | null;
  expiresAt: number;
}

export interface AuditEventQuery {
  /** Only events at or after this time (Unix seconds). */
  since?: number;
  clientId?: string;
  flowIds?: readonly string[];
  /** The newest `limit` events (default 1000), returned oldest first. */
  limit?: number;
}

/** One client's way from registration (or its first authorization request) to its first MCP call. */
export interface FlowRecord {
  flowId: string;
  clientId: string;
  startedAt: number;
  updatedAt: number;
  /** When the flow's first authorization-code token was issued; a later authorization request starts a new flow. */
  tokenAt: number | null;
  /** When the flow's client first called the MCP server with a token. */
  mcpAt: number | null;
  expiresAt: number;
}

export type ConsumeCodeResult =
  | { status: 'ok'; code: AuthorizationCodeRecord }
  | { status: 'replayed'; code: AuthorizationCodeRecord }
  | { status: 'not_found' };

/** A person's account at an upstream identity provider, linked by (issuer, subject), never by email. */
export interface IdentityRecord {
  issuer: string;
  subject: string;
  /** The provider's name in this server's configuration (the /idp/<name>/ path). */
  provider: string;
  userId: string;
  /** The email last seen at sign-in, for display; never used to find the person. */
  email: string | null;
  createdAt: number;
  lastLoginAt: number;
}

/** The token vault: a provider's tokens for one person, already encrypted by the caller. */
export interface UpstreamTokenRecord {
  userId: string;
  provider: string;
  accessToken: string;
  refreshToken: string | null;
  scope: string | null;
  expiresAt: number | null;
  updatedAt: number;
}
