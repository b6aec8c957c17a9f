/**
 * The one storage contract. Both databases implement it through Kysely (kysely-store.ts); tests in
 * tests/store run the same suite on each. Times are Unix seconds. Secrets arrive here already hashed.
 */

export type TokenEndpointAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post';

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
 * One security decision (issue 7): who (client, subject), what (type), how it went (outcome), and for a
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

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';

  // clients
  createClient(client: ClientRecord): Promise<void>;
  getClient(clientId: string): Promise<ClientRecord | undefined>;
  listClients(): Promise<ClientRecord[]>;
  deleteClient(clientId: string): Promise<boolean>;
  touchClient(clientId: string, at: number): Promise<void>;
  /** Replaces a client's secret hash (the demo client's secret changed in the configuration); true when it existed. */
  updateClientSecret(clientId: string, clientSecretHash: string): Promise<boolean>;

  // users
  createUser(user: UserRecord): Promise<void>;
  getUser(id: string): Promise<UserRecord | undefined>;
  getUserByUsername(username: string): Promise<UserRecord | undefined>;
  listUsers(): Promise<UserRecord[]>;
  setUserPassword(id: string, passwordHash: string): Promise<boolean>;
  deleteUser(id: string): Promise<boolean>;

  // grants
  createGrant(grant: GrantRecord): Promise<void>;
  getGrant(id: string): Promise<GrantRecord | undefined>;
  listGrantsForSubject(subject: string): Promise<GrantRecord[]>;
  listGrantsForClient(clientId: string): Promise<GrantRecord[]>;
  touchGrant(id: string, at: number): Promise<void>;
  /** Revokes the grant and every refresh token issued under it (RFC 6749 §10.5, §10.4). */
  revokeGrant(id: string, at: number): Promise<void>;

  // authorization codes
  insertCode(code: AuthorizationCodeRecord): Promise<void>;
  /** Reads a code without using it, so a failed exchange leaves a valid code intact. */
  getCode(codeHash: string): Promise<AuthorizationCodeRecord | undefined>;
  /** Marks the code used in one atomic update; a second call reports the replay (RFC 6749 §4.1.2). */
  consumeCode(codeHash: string, at: number): Promise<ConsumeCodeResult>;

  // refresh tokens
  insertRefreshToken(token: RefreshTokenRecord): Promise<void>;
  /** Inserts the token unless one with the same hash exists (idempotent rotation); true when this call inserted it. */
  insertRefreshTokenIfAbsent(token: RefreshTokenRecord): Promise<boolean>;
  getRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  /** Marks the token rotated if it was not already; true when this call won the rotation. */
  markRefreshTokenRotated(tokenHash: string, at: number): Promise<boolean>;
  revokeRefreshToken(tokenHash: string, at: number): Promise<boolean>;

  // access tokens revoked before their expiry (RFC 7009), by jti
  revokeAccessToken(jti: string, expiresAt: number): Promise<void>;
  isAccessTokenRevoked(jti: string): Promise<boolean>;

  // signing keys
  insertSigningKey(key: SigningKeyRecord): Promise<void>;
  /** Inserts `key` only if no unretired key exists, atomically across instances; true if it was inserted. */
  insertFirstSigningKey(key: SigningKeyRecord): Promise<boolean>;
  listSigningKeys(): Promise<SigningKeyRecord[]>;
  retireSigningKey(kid: string, at: number, expiresAt: number): Promise<void>;

  // data items, always scoped to their owner
  listItems(owner: string): Promise<DataItemRecord[]>;
  getItem(owner: string, id: number): Promise<DataItemRecord | undefined>;
  createItem(owner: string, item: { name: string; value: number }, at: number): Promise<DataItemRecord>;
  updateItem(owner: string, id: number, patch: { name?: string; value?: number }, at: number): Promise<DataItemRecord | undefined>;
  deleteItem(owner: string, id: number): Promise<boolean>;

  // web pages (issue 4): sessions, pending interactions, remembered consents
  createWebSession(session: WebSessionRecord): Promise<void>;
  getWebSession(idHash: string): Promise<WebSessionRecord | undefined>;
  deleteWebSession(idHash: string): Promise<void>;
  createWebInteraction(interaction: WebInteractionRecord): Promise<void>;
  getWebInteraction(idHash: string): Promise<WebInteractionRecord | undefined>;
  /** Deletes the interaction in one atomic statement and returns it; a second call gets undefined (single use). */
  consumeWebInteraction(idHash: string): Promise<WebInteractionRecord | undefined>;
  getConsent(subject: string, clientId: string, resource: string): Promise<ConsentRecord | undefined>;
  /** Inserts or replaces the consent for (subject, client, resource). */
  saveConsent(consent: ConsentRecord): Promise<void>;
  /** Forgets every consent a subject gave a client (connected apps: revoke). */
  deleteConsents(subject: string, clientId: string): Promise<void>;

  // audit events and flows (issue 7)
  insertAuditEvent(event: Omit<AuditEventRecord, 'id'>): Promise<void>;
  listAuditEvents(query?: AuditEventQuery): Promise<AuditEventRecord[]>;
  createFlow(flow: FlowRecord): Promise<void>;
  getFlow(flowId: string): Promise<FlowRecord | undefined>;
  /** The client's most recently started flow. */
  latestFlowForClient(clientId: string): Promise<FlowRecord | undefined>;
  /** Records activity on a flow; `tokenAt` is set only if not set yet. */
  touchFlow(flowId: string, at: number, expiresAt: number, marks?: { tokenAt?: number }): Promise<void>;
  /** Sets mcp_at in one atomic update if it was not set; true for the one caller that did (first MCP call). */
  markFlowMcpCall(flowId: string, at: number): Promise<boolean>;
  /** Flows by most recent activity, newest first. */
  listFlows(query?: { limit?: number; since?: number }): Promise<FlowRecord[]>;

  /** Deletes expired codes, refresh tokens, revoked-token entries, web sessions and interactions, signing keys, audit events and flows past their expiry. */
  purgeExpired(now: number): Promise<number>;
  /**
   * Deletes public clients registered before `createdBefore` that never completed a flow (lastUsedAt null):
   * MCP clients register again on every attempt and registrations pile up (interop note 10).
   */
  purgeUnusedPublicClients(createdBefore: number): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
