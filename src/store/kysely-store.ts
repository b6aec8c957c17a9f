import { sql, type Kysely, type Selectable } from 'kysely';
import * as audit from './kysely-audit.js';
import type { Database } from './schema.js';
import type {
  AuditEventQuery,
  AuditEventRecord,
  AuthorizationCodeRecord,
  ClientRecord,
  ConsentRecord,
  ConsumeCodeResult,
  DataItemRecord,
  FlowRecord,
  GrantRecord,
  RefreshTokenRecord,
  SigningKeyRecord,
  Store,
  TokenEndpointAuthMethod,
  UserRecord,
  WebInteractionRecord,
  WebSessionRecord,
} from './store.js';

type Row<T extends keyof Database> = Selectable<Database[T]>;

const toClient = (r: Row<'clients'>): ClientRecord => ({
  clientId: r.client_id,
  clientSecretHash: r.client_secret_hash,
  clientName: r.client_name,
  redirectUris: JSON.parse(r.redirect_uris),
  grantTypes: JSON.parse(r.grant_types),
  responseTypes: JSON.parse(r.response_types),
  tokenEndpointAuthMethod: r.token_endpoint_auth_method as TokenEndpointAuthMethod,
  scope: r.scope,
  applicationType: r.application_type as 'web' | 'native',
  metadata: JSON.parse(r.metadata),
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
});

const toUser = (r: Row<'users'>): UserRecord => ({
  id: r.id,
  username: r.username,
  passwordHash: r.password_hash,
  isAdmin: r.is_admin === 1,
  createdAt: r.created_at,
});

const toGrant = (r: Row<'grants'>): GrantRecord => ({
  id: r.id,
  clientId: r.client_id,
  subject: r.subject,
  scope: r.scope,
  resource: r.resource,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

const toCode = (r: Row<'authorization_codes'>): AuthorizationCodeRecord => ({
  codeHash: r.code_hash,
  grantId: r.grant_id,
  clientId: r.client_id,
  subject: r.subject,
  redirectUri: r.redirect_uri,
  codeChallenge: r.code_challenge,
  scope: r.scope,
  resource: r.resource,
  expiresAt: r.expires_at,
  usedAt: r.used_at,
  createdAt: r.created_at,
});

const toRefresh = (r: Row<'refresh_tokens'>): RefreshTokenRecord => ({
  tokenHash: r.token_hash,
  grantId: r.grant_id,
  clientId: r.client_id,
  subject: r.subject,
  scope: r.scope,
  resource: r.resource,
  expiresAt: r.expires_at,
  rotatedAt: r.rotated_at,
  revokedAt: r.revoked_at,
  createdAt: r.created_at,
});

const refreshRow = (t: RefreshTokenRecord) => ({
  token_hash: t.tokenHash,
  grant_id: t.grantId,
  client_id: t.clientId,
  subject: t.subject,
  scope: t.scope,
  resource: t.resource,
  expires_at: t.expiresAt,
  rotated_at: t.rotatedAt,
  revoked_at: t.revokedAt,
  created_at: t.createdAt,
});

const toKey = (r: Row<'signing_keys'>): SigningKeyRecord => ({
  kid: r.kid,
  alg: r.alg,
  publicJwk: JSON.parse(r.public_jwk),
  privateJwkEncrypted: r.private_jwk_encrypted,
  createdAt: r.created_at,
  retiredAt: r.retired_at,
  expiresAt: r.expires_at,
});

const toItem = (r: Row<'data_items'>): DataItemRecord => ({
  id: r.id,
  owner: r.owner,
  name: r.name,
  value: r.value,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** PostgreSQL advisory-lock key taken while the first signing key is created (any constant unique to this use). */
const FIRST_SIGNING_KEY_LOCK = 0x6f61_6b31; // "oak1"

const keyRow = (k: SigningKeyRecord) => ({
  kid: k.kid,
  alg: k.alg,
  public_jwk: JSON.stringify(k.publicJwk),
  private_jwk_encrypted: k.privateJwkEncrypted,
  created_at: k.createdAt,
  retired_at: k.retiredAt,
  expires_at: k.expiresAt,
});

/** The Store over Kysely; the same code serves SQLite and PostgreSQL. */
export class KyselyStore implements Store {
  constructor(
    private readonly db: Kysely<Database>,
    readonly dialect: 'sqlite' | 'postgres',
  ) {}

  // clients

  async createClient(c: ClientRecord): Promise<void> {
    await this.db
      .insertInto('clients')
      .values({
        client_id: c.clientId,
        client_secret_hash: c.clientSecretHash,
        client_name: c.clientName,
        redirect_uris: JSON.stringify(c.redirectUris),
        grant_types: JSON.stringify(c.grantTypes),
        response_types: JSON.stringify(c.responseTypes),
        token_endpoint_auth_method: c.tokenEndpointAuthMethod,
        scope: c.scope,
        application_type: c.applicationType,
        metadata: JSON.stringify(c.metadata),
        created_at: c.createdAt,
        last_used_at: c.lastUsedAt,
      })
      .execute();
  }

  async getClient(clientId: string): Promise<ClientRecord | undefined> {
    const r = await this.db.selectFrom('clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
    return r && toClient(r);
  }

  async listClients(): Promise<ClientRecord[]> {
    return (await this.db.selectFrom('clients').selectAll().orderBy('created_at').execute()).map(toClient);
  }

  async deleteClient(clientId: string): Promise<boolean> {
    const r = await this.db.deleteFrom('clients').where('client_id', '=', clientId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async touchClient(clientId: string, at: number): Promise<void> {
    await this.db.updateTable('clients').set({ last_used_at: at }).where('client_id', '=', clientId).execute();
  }

  async updateClientSecret(clientId: string, clientSecretHash: string): Promise<boolean> {
    const r = await this.db.updateTable('clients').set({ client_secret_hash: clientSecretHash }).where('client_id', '=', clientId).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  // users

  async createUser(u: UserRecord): Promise<void> {
    await this.db
      .insertInto('users')
      .values({ id: u.id, username: u.username, password_hash: u.passwordHash, is_admin: u.isAdmin ? 1 : 0, created_at: u.createdAt })
      .execute();
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    const r = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toUser(r);
  }

  async getUserByUsername(username: string): Promise<UserRecord | undefined> {
    const r = await this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    return r && toUser(r);
  }

  async listUsers(): Promise<UserRecord[]> {
    return (await this.db.selectFrom('users').selectAll().orderBy('username').execute()).map(toUser);
  }

  async setUserPassword(id: string, passwordHash: string): Promise<boolean> {
    const r = await this.db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', id).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async deleteUser(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  // grants

  async createGrant(g: GrantRecord): Promise<void> {
    await this.db
      .insertInto('grants')
      .values({
        id: g.id,
        client_id: g.clientId,
        subject: g.subject,
        scope: g.scope,
        resource: g.resource,
        created_at: g.createdAt,
        last_used_at: g.lastUsedAt,
        revoked_at: g.revokedAt,
      })
      .execute();
  }

  async getGrant(id: string): Promise<GrantRecord | undefined> {
    const r = await this.db.selectFrom('grants').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toGrant(r);
  }

  async listGrantsForSubject(subject: string): Promise<GrantRecord[]> {
    const rows = await this.db.selectFrom('grants').selectAll().where('subject', '=', subject).orderBy('created_at', 'desc').execute();
    return rows.map(toGrant);
  }

  async listGrantsForClient(clientId: string): Promise<GrantRecord[]> {
    const rows = await this.db.selectFrom('grants').selectAll().where('client_id', '=', clientId).orderBy('created_at', 'desc').execute();
    return rows.map(toGrant);
  }

  async touchGrant(id: string, at: number): Promise<void> {
    await this.db.updateTable('grants').set({ last_used_at: at }).where('id', '=', id).execute();
  }

  async revokeGrant(id: string, at: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('grants').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
      await trx
        .updateTable('refresh_tokens')
        .set({ revoked_at: at })
        .where('grant_id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
    });
  }

  // authorization codes

  async insertCode(c: AuthorizationCodeRecord): Promise<void> {
    await this.db
      .insertInto('authorization_codes')
      .values({
        code_hash: c.codeHash,
        grant_id: c.grantId,
        client_id: c.clientId,
        subject: c.subject,
        redirect_uri: c.redirectUri,
        code_challenge: c.codeChallenge,
        scope: c.scope,
        resource: c.resource,
        expires_at: c.expiresAt,
        used_at: c.usedAt,
        created_at: c.createdAt,
      })
      .execute();
  }

  async getCode(codeHash: string): Promise<AuthorizationCodeRecord | undefined> {
    const r = await this.db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
    return r && toCode(r);
  }

  async consumeCode(codeHash: string, at: number): Promise<ConsumeCodeResult> {
    // Single use is one atomic statement: only one caller can move used_at from NULL (style rule 9).
    const won = await this.db
      .updateTable('authorization_codes')
      .set({ used_at: at })
      .where('code_hash', '=', codeHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    const row = await this.db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
    if (!row) return { status: 'not_found' };
    return { status: Number(won.numUpdatedRows) > 0 ? 'ok' : 'replayed', code: toCode(row) };
  }

  // refresh tokens

  async insertRefreshToken(t: RefreshTokenRecord): Promise<void> {
    await this.db.insertInto('refresh_tokens').values(refreshRow(t)).execute();
  }

  async insertRefreshTokenIfAbsent(t: RefreshTokenRecord): Promise<boolean> {
    const r = await this.db
      .insertInto('refresh_tokens')
      .values(refreshRow(t))
      .onConflict((oc) => oc.column('token_hash').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async getRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    const r = await this.db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return r && toRefresh(r);
  }

  async markRefreshTokenRotated(tokenHash: string, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable('refresh_tokens')
      .set({ rotated_at: at })
      .where('token_hash', '=', tokenHash)
      .where('rotated_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async revokeRefreshToken(tokenHash: string, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable('refresh_tokens')
      .set({ revoked_at: at })
      .where('token_hash', '=', tokenHash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  // revoked access tokens

  async revokeAccessToken(jti: string, expiresAt: number): Promise<void> {
    await this.db
      .insertInto('revoked_access_tokens')
      .values({ jti, expires_at: expiresAt })
      .onConflict((oc) => oc.column('jti').doNothing())
      .execute();
  }

  async isAccessTokenRevoked(jti: string): Promise<boolean> {
    const r = await this.db.selectFrom('revoked_access_tokens').select('jti').where('jti', '=', jti).executeTakeFirst();
    return r !== undefined;
  }

  // signing keys

  async insertSigningKey(k: SigningKeyRecord): Promise<void> {
    await this.db.insertInto('signing_keys').values(keyRow(k)).execute();
  }

  async insertFirstSigningKey(k: SigningKeyRecord): Promise<boolean> {
    const r = keyRow(k);
    if (this.dialect === 'sqlite') {
      // One statement is atomic on SQLite (writers are serialised), across connections and processes.
      const result = await sql`insert into signing_keys (kid, alg, public_jwk, private_jwk_encrypted, created_at, retired_at, expires_at)
        select ${r.kid}, ${r.alg}, ${r.public_jwk}, ${r.private_jwk_encrypted}, ${r.created_at}, null, null
        where not exists (select 1 from signing_keys where retired_at is null)`.execute(this.db);
      return Number(result.numAffectedRows ?? 0n) === 1;
    }
    return this.db.transaction().execute(async (trx) => {
      // Several instances starting together on an empty PostgreSQL database (READ COMMITTED would let each insert
      // its own key): one at a time, so exactly one key is made. The lock is released with the transaction.
      await sql`select pg_advisory_xact_lock(${FIRST_SIGNING_KEY_LOCK})`.execute(trx);
      const active = await trx.selectFrom('signing_keys').select('kid').where('retired_at', 'is', null).executeTakeFirst();
      if (active) return false;
      await trx.insertInto('signing_keys').values(r).execute();
      return true;
    });
  }

  async listSigningKeys(): Promise<SigningKeyRecord[]> {
    const rows = await this.db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').orderBy('kid').execute();
    return rows.map(toKey);
  }

  async retireSigningKey(kid: string, at: number, expiresAt: number): Promise<void> {
    await this.db
      .updateTable('signing_keys')
      .set({ retired_at: at, expires_at: expiresAt })
      .where('kid', '=', kid)
      .where('retired_at', 'is', null)
      .execute();
  }

  // data items

  async listItems(owner: string): Promise<DataItemRecord[]> {
    return (await this.db.selectFrom('data_items').selectAll().where('owner', '=', owner).orderBy('id').execute()).map(toItem);
  }

  async getItem(owner: string, id: number): Promise<DataItemRecord | undefined> {
    const r = await this.db.selectFrom('data_items').selectAll().where('owner', '=', owner).where('id', '=', id).executeTakeFirst();
    return r && toItem(r);
  }

  async createItem(owner: string, item: { name: string; value: number }, at: number): Promise<DataItemRecord> {
    const r = await this.db
      .insertInto('data_items')
      .values({ owner, name: item.name, value: item.value, created_at: at, updated_at: at })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toItem(r);
  }

  async updateItem(owner: string, id: number, patch: { name?: string; value?: number }, at: number): Promise<DataItemRecord | undefined> {
    const r = await this.db
      .updateTable('data_items')
      .set({ ...(patch.name !== undefined && { name: patch.name }), ...(patch.value !== undefined && { value: patch.value }), updated_at: at })
      .where('owner', '=', owner)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return r && toItem(r);
  }

  async deleteItem(owner: string, id: number): Promise<boolean> {
    const r = await this.db.deleteFrom('data_items').where('owner', '=', owner).where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  // web pages

  async createWebSession(s: WebSessionRecord): Promise<void> {
    await this.db.insertInto('web_sessions').values({ id_hash: s.idHash, user_id: s.userId, created_at: s.createdAt, expires_at: s.expiresAt }).execute();
  }

  async getWebSession(idHash: string): Promise<WebSessionRecord | undefined> {
    const r = await this.db.selectFrom('web_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
    return r && { idHash: r.id_hash, userId: r.user_id, createdAt: r.created_at, expiresAt: r.expires_at };
  }

  async deleteWebSession(idHash: string): Promise<void> {
    await this.db.deleteFrom('web_sessions').where('id_hash', '=', idHash).execute();
  }

  async createWebInteraction(i: WebInteractionRecord): Promise<void> {
    await this.db.insertInto('web_interactions').values({ id_hash: i.idHash, request: i.request, created_at: i.createdAt, expires_at: i.expiresAt }).execute();
  }

  async getWebInteraction(idHash: string): Promise<WebInteractionRecord | undefined> {
    const r = await this.db.selectFrom('web_interactions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
    return r && { idHash: r.id_hash, request: r.request, createdAt: r.created_at, expiresAt: r.expires_at };
  }

  async consumeWebInteraction(idHash: string): Promise<WebInteractionRecord | undefined> {
    // One DELETE ... RETURNING: only one caller gets the row (style rule 9).
    const r = await this.db.deleteFrom('web_interactions').where('id_hash', '=', idHash).returningAll().executeTakeFirst();
    return r && { idHash: r.id_hash, request: r.request, createdAt: r.created_at, expiresAt: r.expires_at };
  }

  async getConsent(subject: string, clientId: string, resource: string): Promise<ConsentRecord | undefined> {
    const r = await this.db
      .selectFrom('consents')
      .selectAll()
      .where('subject', '=', subject)
      .where('client_id', '=', clientId)
      .where('resource', '=', resource)
      .executeTakeFirst();
    return r && { subject: r.subject, clientId: r.client_id, resource: r.resource, scope: r.scope, createdAt: r.created_at, updatedAt: r.updated_at };
  }

  async saveConsent(c: ConsentRecord): Promise<void> {
    await this.db
      .insertInto('consents')
      .values({ subject: c.subject, client_id: c.clientId, resource: c.resource, scope: c.scope, created_at: c.createdAt, updated_at: c.updatedAt })
      .onConflict((oc) => oc.columns(['subject', 'client_id', 'resource']).doUpdateSet({ scope: c.scope, updated_at: c.updatedAt }))
      .execute();
  }

  async deleteConsents(subject: string, clientId: string): Promise<void> {
    await this.db.deleteFrom('consents').where('subject', '=', subject).where('client_id', '=', clientId).execute();
  }

  // audit events and flows (issue 7): kysely-audit.ts

  insertAuditEvent(e: Omit<AuditEventRecord, 'id'>): Promise<void> {
    return audit.insertAuditEvent(this.db, e);
  }
  listAuditEvents(q?: AuditEventQuery): Promise<AuditEventRecord[]> {
    return audit.listAuditEvents(this.db, q);
  }
  createFlow(f: FlowRecord): Promise<void> {
    return audit.createFlow(this.db, f);
  }
  getFlow(flowId: string): Promise<FlowRecord | undefined> {
    return audit.getFlow(this.db, flowId);
  }
  latestFlowForClient(clientId: string): Promise<FlowRecord | undefined> {
    return audit.latestFlowForClient(this.db, clientId);
  }
  touchFlow(flowId: string, at: number, expiresAt: number, marks?: { tokenAt?: number }): Promise<void> {
    return audit.touchFlow(this.db, flowId, at, expiresAt, marks);
  }
  markFlowMcpCall(flowId: string, at: number): Promise<boolean> {
    return audit.markFlowMcpCall(this.db, flowId, at);
  }
  listFlows(q?: { limit?: number; since?: number }): Promise<FlowRecord[]> {
    return audit.listFlows(this.db, q);
  }

  // housekeeping

  async purgeExpired(now: number): Promise<number> {
    const counts = await Promise.all([
      this.db.deleteFrom('authorization_codes').where('expires_at', '<', now).executeTakeFirst(),
      this.db.deleteFrom('refresh_tokens').where('expires_at', '<', now).executeTakeFirst(),
      this.db.deleteFrom('revoked_access_tokens').where('expires_at', '<', now).executeTakeFirst(),
      this.db.deleteFrom('web_sessions').where('expires_at', '<', now).executeTakeFirst(),
      this.db.deleteFrom('web_interactions').where('expires_at', '<', now).executeTakeFirst(),
      this.db.deleteFrom('signing_keys').where('expires_at', 'is not', null).where('expires_at', '<', now).executeTakeFirst(),
    ]);
    const auditRows = await audit.purgeExpiredAudit(this.db, now);
    return counts.reduce((n, r) => n + Number(r.numDeletedRows), auditRows);
  }

  async purgeUnusedPublicClients(createdBefore: number): Promise<number> {
    const r = await this.db
      .deleteFrom('clients')
      .where('token_endpoint_auth_method', '=', 'none')
      .where('last_used_at', 'is', null)
      .where('created_at', '<', createdBefore)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async ping(): Promise<void> {
    await this.db.selectFrom('clients').select('client_id').limit(1).execute();
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
