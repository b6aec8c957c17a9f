import type { Generated } from 'kysely';

/** Table shapes as stored (snake_case). docs/storage.md describes each table. */
export interface Database {
  clients: {
    client_id: string;
    client_secret_hash: string | null;
    client_name: string | null;
    redirect_uris: string; // JSON array
    grant_types: string; // JSON array
    response_types: string; // JSON array
    token_endpoint_auth_method: string;
    scope: string;
    application_type: string;
    metadata: string; // JSON object
    created_at: number;
    last_used_at: number | null;
    registration_token_hash: string | null;
  };
  users: {
    id: string;
    username: string;
    password_hash: string | null;
    is_admin: number;
    created_at: number;
  };
  grants: {
    id: string;
    client_id: string;
    subject: string;
    scope: string;
    resource: string;
    created_at: number;
    last_used_at: number | null;
    revoked_at: number | null;
    flow_id: string | null;
  };
  authorization_codes: {
    code_hash: string;
    grant_id: string;
    client_id: string;
    subject: string;
    redirect_uri: string;
    code_challenge: string;
    scope: string;
    resource: string;
    expires_at: number;
    used_at: number | null;
    created_at: number;
  };
  refresh_tokens: {
    token_hash: string;
    grant_id: string;
    client_id: string;
    subject: string;
    scope: string;
    resource: string;
    expires_at: number;
    rotated_at: number | null;
    revoked_at: number | null;
    created_at: number;
    dpop_jkt: string | null;
  };
  revoked_access_tokens: {
    jti: string;
    expires_at: number;
  };
  signing_keys: {
    kid: string;
    alg: string;
    public_jwk: string; // JSON
    private_jwk_encrypted: string;
    created_at: number;
    retired_at: number | null;
    expires_at: number | null;
  };
  web_sessions: {
    id_hash: string;
    user_id: string;
    created_at: number;
    expires_at: number;
  };
  web_interactions: {
    id_hash: string;
    request: string; // JSON of the validated authorization request
    created_at: number;
    expires_at: number;
  };
  consents: {
    subject: string;
    client_id: string;
    resource: string;
    scope: string;
    created_at: number;
    updated_at: number;
  };
  data_items: {
    id: Generated<number>;
    owner: string;
    name: string;
    value: number;
    created_at: number;
    updated_at: number;
  };
  audit_events: {
    id: Generated<number>;
    at: number;
    type: string;
    outcome: string;
    client_id: string | null;
    subject: string | null;
    flow_id: string | null;
    rule: string | null;
    error: string | null;
    detail: string | null;
    request_id: string | null;
    expires_at: number;
  };
  flows: {
    flow_id: string;
    client_id: string;
    started_at: number;
    updated_at: number;
    token_at: number | null;
    mcp_at: number | null;
    expires_at: number;
  };
  identities: {
    issuer: string;
    subject: string;
    provider: string;
    user_id: string;
    email: string | null;
    created_at: number;
    last_login_at: number;
  };
  upstream_tokens: {
    user_id: string;
    provider: string;
    access_token: string; // encrypted (keys/encryption.ts)
    refresh_token: string | null; // encrypted
    scope: string | null;
    expires_at: number | null;
    updated_at: number;
  };
  initial_access_tokens: {
    token_hash: string;
    note: string | null;
    created_at: number;
    expires_at: number;
    used_at: number | null;
  };
  resource_server_clients: {
    client_id: string;
    created_at: number;
  };
}
