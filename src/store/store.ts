/**
 * The one storage contract, one interface per area. Both databases implement it through Kysely
 * (kysely-store.ts, one module per area in kysely/); tests in tests/store run the same suite on each.
 * Times are Unix seconds. Secrets arrive here already hashed. The record types live in records.ts.
 */

import type {
  AuditEventQuery,
  AuditEventRecord,
  AuthorizationCodeRecord,
  ClientRecord,
  ConsentRecord,
  CodeWithGrant,
  ConsumeCodeResult,
  DataItemRecord,
  FlowRecord,
  GrantRecord,
  IdentityRecord,
  RefreshTokenRecord,
  RefreshTokenWithGrant,
  SigningKeyRecord,
  UpstreamTokenRecord,
  UserRecord,
  WebInteractionRecord,
  WebSessionRecord,
} from './records.js';

export type * from './records.js';

export interface ClientStore {
  createClient(client: ClientRecord): Promise<void>;
  getClient(clientId: string): Promise<ClientRecord | undefined>;
  listClients(): Promise<ClientRecord[]>;
  deleteClient(clientId: string): Promise<boolean>;
  touchClient(clientId: string, at: number): Promise<void>;
  /** Replaces a client's secret hash (the demo client's secret changed in the configuration); true when it existed. */
  updateClientSecret(clientId: string, clientSecretHash: string): Promise<boolean>;
}

/** RFC 7592 client configuration: registration access tokens (hashed) and metadata updates. */
export interface ClientRegistrationStore {
  /** Inserts a dynamically registered client with the hash of its registration access token, in one statement. */
  createRegisteredClient(client: ClientRecord, tokenHash: string): Promise<void>;
  /** Sets the hash of a client's registration access token when it has none; true when set. */
  setRegistrationTokenHash(clientId: string, tokenHash: string): Promise<boolean>;
  /** The client whose registration access token hashes to `tokenHash`, if that is `clientId`. */
  getClientByRegistrationToken(clientId: string, tokenHash: string): Promise<ClientRecord | undefined>;
  /**
   * Replaces the registered metadata (everything but the id, secret hash and times) and rotates the registration
   * access token, in one update that holds only while the old token is still current; true when it did.
   */
  updateRegisteredClient(client: ClientRecord, oldTokenHash: string, newTokenHash: string): Promise<boolean>;
}

export interface UserStore {
  createUser(user: UserRecord): Promise<void>;
  getUser(id: string): Promise<UserRecord | undefined>;
  getUserByUsername(username: string): Promise<UserRecord | undefined>;
  listUsers(): Promise<UserRecord[]>;
  setUserPassword(id: string, passwordHash: string): Promise<boolean>;
  deleteUser(id: string): Promise<boolean>;
}

export interface GrantStore {
  createGrant(grant: GrantRecord): Promise<void>;
  getGrant(id: string): Promise<GrantRecord | undefined>;
  listGrantsForSubject(subject: string): Promise<GrantRecord[]>;
  listGrantsForClient(clientId: string): Promise<GrantRecord[]>;
  touchGrant(id: string, at: number): Promise<void>;
  /** Revokes the grant and every refresh token issued under it (RFC 6749 §10.5, §10.4). */
  revokeGrant(id: string, at: number): Promise<void>;
}

/** Authorization codes. */
export interface CodeStore {
  insertCode(code: AuthorizationCodeRecord): Promise<void>;
  /** Reads a code without using it, so a failed exchange leaves a valid code intact. */
  getCode(codeHash: string): Promise<AuthorizationCodeRecord | undefined>;
  /** The same read, with the code's grant joined in (one statement instead of two on the code exchange). */
  getCodeWithGrant(codeHash: string): Promise<CodeWithGrant | undefined>;
  /** Marks the code used in one atomic update; a second call reports the replay (RFC 6749 §4.1.2). */
  consumeCode(codeHash: string, at: number): Promise<ConsumeCodeResult>;
  /**
   * An approved authorization's grant and its code, written together: one transaction (one commit) on SQLite,
   * one statement on PostgreSQL, so neither exists without the other.
   */
  createGrantWithCode(grant: GrantRecord, code: AuthorizationCodeRecord): Promise<void>;
  /**
   * The code exchange's writes at once: consumeCode and, only when this call won, the grant's last_used_at and
   * (with `touchClient`) the client's set to `at`; one transaction on SQLite, one statement on PostgreSQL.
   */
  redeemCode(codeHash: string, at: number, opts: { touchClient: boolean }): Promise<ConsumeCodeResult>;
}

/** Refresh tokens, and access tokens revoked before their expiry. */
export interface TokenStore {
  insertRefreshToken(token: RefreshTokenRecord): Promise<void>;
  /** Inserts the token unless one with the same hash exists (idempotent rotation); true when this call inserted it. */
  insertRefreshTokenIfAbsent(token: RefreshTokenRecord): Promise<boolean>;
  getRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  /** The token and the grant it was issued under (undefined when that grant is gone), read in one statement. */
  getRefreshTokenWithGrant(tokenHash: string): Promise<RefreshTokenWithGrant | undefined>;
  /**
   * Rotation as one atomic step (AS-10): marks `tokenHash` rotated at `at` if it is neither rotated nor revoked and,
   * only then, inserts `successor` unless a token with its hash exists. `rotated` is false when another call won
   * the rotation or the token was revoked (nothing written); `inserted` says whether this call wrote the successor.
   */
  rotateRefreshToken(tokenHash: string, at: number, successor: RefreshTokenRecord): Promise<{ rotated: boolean; inserted: boolean }>;
  revokeRefreshToken(tokenHash: string, at: number): Promise<boolean>;

  // access tokens revoked before their expiry (RFC 7009), by jti
  revokeAccessToken(jti: string, expiresAt: number): Promise<void>;
  isAccessTokenRevoked(jti: string): Promise<boolean>;
}

/** The authorization server's signing keys. */
export interface KeyStore {
  insertSigningKey(key: SigningKeyRecord): Promise<void>;
  /** Inserts `key` only if no unretired key exists, atomically across instances; true if it was inserted. */
  insertFirstSigningKey(key: SigningKeyRecord): Promise<boolean>;
  listSigningKeys(): Promise<SigningKeyRecord[]>;
  retireSigningKey(kid: string, at: number, expiresAt: number): Promise<void>;
  /**
   * `oauth-mcp keys reset`, in one transaction: deletes every signing key, inserts `key`, and revokes every grant and
   * refresh token (their tokens could otherwise be refreshed into tokens of the new key). Returns the grants revoked.
   */
  resetSigningKeys(key: SigningKeyRecord, at: number): Promise<number>;
}

/** Data items, always scoped to their owner. */
export interface ItemStore {
  /**
   * At once (no promise) where the store reads synchronously (a SQLite file's read-only connection), and then
   * possibly the same frozen list as the last call's while nothing was committed in between.
   */
  listItems(owner: string): readonly DataItemRecord[] | Promise<readonly DataItemRecord[]>;
  getItem(owner: string, id: number): Promise<DataItemRecord | undefined>;
  createItem(owner: string, item: { name: string; value: number }, at: number): Promise<DataItemRecord>;
  updateItem(owner: string, id: number, patch: { name?: string; value?: number }, at: number): Promise<DataItemRecord | undefined>;
  deleteItem(owner: string, id: number): Promise<boolean>;
}

/** Web pages (docs/security.md): sessions, pending interactions, remembered consents. */
export interface WebStore {
  createWebSession(session: WebSessionRecord): Promise<void>;
  getWebSession(idHash: string): Promise<WebSessionRecord | undefined>;
  deleteWebSession(idHash: string): Promise<void>;
  /** Ends every session of a user (a password change, a removal); returns how many there were. */
  deleteWebSessionsForUser(userId: string): Promise<number>;
  createWebInteraction(interaction: WebInteractionRecord): Promise<void>;
  getWebInteraction(idHash: string): Promise<WebInteractionRecord | undefined>;
  /** Deletes the interaction in one atomic statement and returns it; a second call gets undefined (single use). */
  consumeWebInteraction(idHash: string): Promise<WebInteractionRecord | undefined>;
  getConsent(subject: string, clientId: string, resource: string): Promise<ConsentRecord | undefined>;
  /** Inserts or replaces the consent for (subject, client, resource). */
  saveConsent(consent: ConsentRecord): Promise<void>;
  /** Forgets every consent a subject gave a client (connected apps: revoke). */
  deleteConsents(subject: string, clientId: string): Promise<void>;
}

/** Upstream identity providers (docs/identity.md): identity links and the token vault. */
export interface IdentityStore {
  getIdentity(issuer: string, subject: string): Promise<IdentityRecord | undefined>;
  listIdentitiesForUser(userId: string): Promise<IdentityRecord[]>;
  /** Creates the person and the link in one transaction: neither exists without the other. */
  createUserWithIdentity(user: UserRecord, identity: IdentityRecord): Promise<void>;
  /** Records a sign-in: the email seen and the time. */
  touchIdentity(issuer: string, subject: string, email: string | null, at: number): Promise<void>;
  /** The administrator flag follows the provider's policy at each sign-in. */
  setUserAdmin(userId: string, isAdmin: boolean): Promise<void>;
  /** Inserts or replaces the vault row of (userId, provider). */
  saveUpstreamTokens(tokens: UpstreamTokenRecord): Promise<void>;
  getUpstreamTokens(userId: string, provider: string): Promise<UpstreamTokenRecord | undefined>;
  deleteUpstreamTokens(userId: string): Promise<void>;
}

/** One queued audit event, and the flow it moves (touchFlow's arguments). */
export interface AuditWrite {
  event: Omit<AuditEventRecord, 'id'>;
  flow?: { flowId: string; at: number; expiresAt: number; tokenAt?: number };
}

/** Audit events and flows (docs/observability.md). */
export interface AuditStore {
  insertAuditEvent(event: Omit<AuditEventRecord, 'id'>): Promise<void>;
  /** Events and the activity of their flows, in one transaction (the audit write-behind queue). */
  writeAudit(batch: readonly AuditWrite[]): Promise<void>;
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
}

/** Who may register and who may introspect: RFC 7591 §3 initial access tokens, RFC 7662 §2.1 resource servers. */
export interface RegistrationAccessStore {
  insertInitialAccessToken(token: { tokenHash: string; note: string | null; createdAt: number; expiresAt: number }): Promise<void>;
  /** Uses the token in one atomic update; true for the one caller that found it unused and unexpired. */
  consumeInitialAccessToken(tokenHash: string, at: number): Promise<boolean>;
  /** Lets a client introspect tokens (`mcp-auth-server clients add --introspect`); idempotent. */
  designateResourceServer(clientId: string, at: number): Promise<void>;
  isResourceServer(clientId: string): Promise<boolean>;
}

export interface Store
  extends ClientStore, ClientRegistrationStore, UserStore, GrantStore, CodeStore, TokenStore, KeyStore, ItemStore, WebStore, AuditStore, RegistrationAccessStore, IdentityStore {
  readonly dialect: 'sqlite' | 'postgres';

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
