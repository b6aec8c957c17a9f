import type { Clock } from '../../clock.js';
import type { Logger } from '../../log/logger.js';

export interface ServerTokenOptions {
  /** The authorization server's issuer; its RFC 8414 metadata names the token and registration endpoints. */
  issuer: string;
  /** The resource (RFC 8707) the token is for: this MCP endpoint. */
  resource: string;
  scope: string;
  /** A confidential client allowed client_credentials (the demo client); without it the server registers one. */
  credentials?: { clientId: string; clientSecret: string };
  fetch: typeof fetch;
  clock: Clock;
  logger: Logger;
  /** Renew when the token has less than this many seconds left. */
  renewBeforeSeconds?: number;
}

interface Held {
  accessToken: string;
  expiresAt: number;
}

/**
 * The MCP server's own access token in server-managed mode (the original's "automatic OAuth"): obtained with
 * client_credentials from the authorization server, with the demo client or a client the server registers for
 * itself (RFC 7591), and renewed before it expires. client_credentials issues no refresh token (RFC 6749
 * §4.4.3), so renewing is asking again. Concurrent callers share one request.
 */
export class ServerToken {
  private held: Held | undefined;
  private credentials: { clientId: string; clientSecret: string } | undefined;
  private inflight: Promise<string> | undefined;
  private endpoints: { token: string; registration?: string } | undefined;

  constructor(private readonly opts: ServerTokenOptions) {
    this.credentials = opts.credentials;
  }

  /** A token with more than renewBeforeSeconds left, obtaining a new one when needed. */
  async get(): Promise<string> {
    const renewBefore = this.opts.renewBeforeSeconds ?? 60;
    if (this.held && this.held.expiresAt - renewBefore > this.opts.clock()) return this.held.accessToken;
    return this.acquire();
  }

  /** Obtains a new token now, whatever the state of the current one. */
  acquire(): Promise<string> {
    this.inflight ??= this.request().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** The client the server acts as, once known. */
  get clientId(): string | undefined {
    return this.credentials?.clientId;
  }

  private async request(): Promise<string> {
    const endpoints = await this.discover();
    const creds = this.credentials ?? (await this.register(endpoints.registration));
    const basic = Buffer.from(`${encodeURIComponent(creds.clientId)}:${encodeURIComponent(creds.clientSecret)}`).toString('base64');
    const res = await this.opts.fetch(endpoints.token, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}`, accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: this.opts.scope, resource: this.opts.resource }),
    });
    const body = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error?: string };
    if (!res.ok || typeof body.access_token !== 'string') {
      throw new Error(`server-managed token request refused: ${res.status} ${body.error ?? ''}`.trim());
    }
    this.held = { accessToken: body.access_token, expiresAt: this.opts.clock() + (body.expires_in ?? 300) };
    this.opts.logger.info({ event: 'server_token_acquired', clientId: creds.clientId, expiresIn: body.expires_in }, 'server-managed token obtained');
    return body.access_token;
  }

  private async discover(): Promise<{ token: string; registration?: string }> {
    if (this.endpoints) return this.endpoints;
    const res = await this.opts.fetch(`${this.opts.issuer}/.well-known/oauth-authorization-server`, { headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`authorization server metadata unavailable: ${res.status}`);
    const meta = (await res.json()) as { token_endpoint?: string; registration_endpoint?: string };
    if (!meta.token_endpoint) throw new Error('authorization server metadata has no token_endpoint');
    this.endpoints = { token: meta.token_endpoint, ...(meta.registration_endpoint && { registration: meta.registration_endpoint }) };
    return this.endpoints;
  }

  private async register(endpoint: string | undefined): Promise<{ clientId: string; clientSecret: string }> {
    if (!endpoint) throw new Error('no client credentials configured and the authorization server offers no registration');
    const res = await this.opts.fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        client_name: 'oauth-mcp server (server-managed mode)',
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: this.opts.scope,
      }),
    });
    const body = (await res.json().catch(() => ({}))) as { client_id?: string; client_secret?: string; error_description?: string };
    if (!res.ok || !body.client_id || !body.client_secret) {
      throw new Error(`server-managed registration refused: ${res.status} ${body.error_description ?? ''}`.trim());
    }
    this.credentials = { clientId: body.client_id, clientSecret: body.client_secret };
    return this.credentials;
  }
}
