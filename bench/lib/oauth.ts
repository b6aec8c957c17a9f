/** The OAuth client side of the bench, over real HTTP: tokens to load with, and whole authorization-code flows. */
import { createHash, randomBytes } from 'node:crypto';
import { httpRequest, type HttpAnswer } from './http-client.js';

const b64url = (b: Buffer) => b.toString('base64url');

export interface TokenSet {
  access_token: string;
  refresh_token?: string;
}

/**
 * fetch, tried a second time when the socket failed: a pooled keep-alive connection the server closed after its
 * idle timeout fails the next request (undici "other side closed"). HTTP errors are never retried.
 */
export async function fetchOnce(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    return fetch(url, init);
  }
}

async function tokenRequest(tokenUrl: string, form: Record<string, string>, basic?: [string, string]): Promise<TokenSet> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic) headers['authorization'] = `Basic ${Buffer.from(`${basic[0]}:${basic[1]}`).toString('base64')}`;
  const res = await httpRequest(tokenUrl, 'POST', headers, new URLSearchParams(form).toString());
  if (res.status !== 200) throw new Error(`token endpoint ${res.status}: ${res.body}`);
  return JSON.parse(res.body) as TokenSet;
}

/** client_credentials with HTTP Basic (the demo client), for the given resource. */
export function clientCredentials(tokenUrl: string, client: [string, string], resource: string, scope = 'read write') {
  return tokenRequest(tokenUrl, { grant_type: 'client_credentials', scope, resource }, client);
}

export function refresh(tokenUrl: string, clientId: string, refreshToken: string) {
  return tokenRequest(tokenUrl, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId });
}

export interface FlowEndpoints {
  register: string;
  authorize: string;
  token: string;
  resource: string;
  scope?: string;
}

const REDIRECT = 'http://127.0.0.1/callback';
/** Redirects followed before the one to the client's redirect URI, at most (oidc-provider takes two). */
const MAX_HOPS = 5;

/** The cookies of one flow, by name: what a browser would carry between the authorization server's redirects. */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(res: HttpAnswer) {
    for (const line of res.setCookie) {
      const pair = line.slice(0, line.indexOf(';') >>> 0);
      const eq = pair.indexOf('=');
      if (eq > 0) this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  }
  header(): Record<string, string> {
    return this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }
}

/** RFC 7591 registration of a public client for the authorization-code flow; its client_id. */
export async function registerPublicClient(ep: FlowEndpoints): Promise<string> {
  const reg = await httpRequest(
    ep.register,
    'POST',
    { 'content-type': 'application/json' },
    JSON.stringify({
      client_name: 'bench',
      redirect_uris: [REDIRECT],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      scope: ep.scope ?? 'read write',
    }),
  );
  const client = JSON.parse(reg.body) as { client_id?: string };
  if (reg.status !== 201 || !client.client_id) throw new Error(`register ${reg.status}: ${JSON.stringify(client)}`);
  return client.client_id;
}

/**
 * One complete authorization-code flow as a public client: RFC 7591 registration (unless `registered` names a
 * client already registered), the authorization request with PKCE S256, approved without a person, and the code
 * exchange. Ours (demo mode) answers the authorization request with a 302 straight back with the code; a server
 * that sends the browser through its own interaction URLs first (oidc-provider) is followed redirect by redirect,
 * with the cookies it sets, as a browser would. `requests` counts every HTTP request the flow made.
 */
export async function authorizationCodeFlow(ep: FlowEndpoints, registered?: string): Promise<{ clientId: string; tokens: TokenSet; requests: number }> {
  const scope = ep.scope ?? 'read write';
  const clientId = registered ?? (await registerPublicClient(ep));
  const verifier = b64url(randomBytes(32));
  const state = b64url(randomBytes(8));
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT,
    code_challenge: b64url(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256',
    state,
    scope,
    resource: ep.resource,
  });
  let requests = registered === undefined ? 1 : 0;
  const jar = new CookieJar();
  let url = `${ep.authorize}?${q}`;
  let location: string | null = null;
  for (let hop = 0; hop <= MAX_HOPS; hop++) {
    const auth = await httpRequest(url, 'GET', jar.header());
    requests++;
    jar.take(auth);
    location = auth.location ?? null;
    if (auth.status < 300 || auth.status > 303 || !location) throw new Error(`authorize ${auth.status}: ${location}`);
    if (location.startsWith(REDIRECT)) break;
    url = new URL(location, url).href;
  }
  const redirect = location?.startsWith(REDIRECT) ? new URL(location).searchParams : undefined;
  const code = redirect?.get('code');
  if (!code || redirect?.get('state') !== state) throw new Error(`authorize: no code for this state at ${location}`);
  const tokens = await tokenRequest(ep.token, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT,
    client_id: clientId,
    code_verifier: verifier,
    resource: ep.resource,
  });
  requests++;
  return { clientId, tokens, requests };
}
