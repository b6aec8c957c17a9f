import { randomInt } from 'node:crypto';
import { decodeJwt } from 'jose';
import { randomToken } from '../../../oauth/crypto.js';
import { s256Challenge } from '../../../oauth/pkce.js';
import { mask } from '../mask.js';
import type { FlowStep, StepContext } from '../runner.js';
import type { FlowState } from '../state.js';

/** Steps 3-4: a public client registers itself, with a loopback redirect on a port of its choosing. */
export const registerStep: FlowStep<FlowState> = {
  diagram: '3-4',
  title: 'dynamic client registration (public client)',
  follows: 'RFC 7591 §3.1-3.2; RFC 8252 §7.3 (loopback redirect, any port); OAuth 2.1 §2.1 (public client)',
  needs: ['as'],
  async run(ctx: StepContext, state: FlowState) {
    // A native app picks a free port when it starts; the flow never listens there, it reads the redirect instead.
    const redirectUri = `http://127.0.0.1:${randomInt(20000, 60000)}/callback`;
    const { res, json } = await ctx.send({
      url: state.as!.registration_endpoint,
      json: {
        client_name: 'oauth-mcp flow',
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
        ...(state.scopes && { scope: state.scopes }),
      },
    });
    ctx.check(res.status === 201, `registration answered ${res.status}, expected 201`);
    const body = json as { client_id?: string; client_secret?: string; redirect_uris?: string[] };
    ctx.check(body?.client_id, 'no client_id in the registration response', `client_id: ${body?.client_id}`);
    ctx.check(body.client_secret === undefined, 'a public client was given a secret');
    ctx.check(body.redirect_uris?.[0] === redirectUri, 'the redirect URI came back changed', 'redirect URI registered as sent');
    state.client = { clientId: body.client_id, redirectUri };
  },
};

/** Steps 5-6: the authorization request with PKCE; demo mode approves and redirects with the code. */
export const authorizeStep: FlowStep<FlowState> = {
  diagram: '5-6',
  title: 'authorization request (PKCE S256) → code, state, iss',
  follows: 'RFC 6749 §4.1.1-4.1.2; RFC 7636 §4.3; RFC 8707 §2 (resource); RFC 9207 §2 (iss)',
  needs: ['client', 'resource'],
  async run(ctx: StepContext, state: FlowState) {
    const verifier = randomToken(48);
    const expectedState = randomToken(12);
    const url = new URL(state.as!.authorization_endpoint);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: state.client!.clientId,
      redirect_uri: state.client!.redirectUri,
      code_challenge: s256Challenge(verifier),
      code_challenge_method: 'S256',
      ...(state.scopes && { scope: state.scopes }),
      state: expectedState,
      resource: state.resource!,
    }).toString();
    ctx.note(`code_verifier ${mask(verifier)} kept by the client; only its SHA-256 (code_challenge) is sent`);
    const { res } = await ctx.send({ url: url.toString(), redirect: 'manual' });
    ctx.check(res.status === 302 || res.status === 303, `expected a redirect, got ${res.status}`);
    const location = new URL(res.headers.get('location') ?? '', url);
    ctx.check(
      `${location.origin}${location.pathname}` === state.client!.redirectUri,
      `redirected to ${location.origin}${location.pathname}, not to the redirect URI: is the server in demo mode (DEMO_MODE=true)?`,
    );
    const p = location.searchParams;
    ctx.check(!p.has('error'), `authorization error: ${p.get('error')} ${p.get('error_description') ?? ''}`);
    ctx.check(p.get('state') === expectedState, 'state does not match the request', 'state echoed unchanged (CSRF check)');
    ctx.check(p.get('iss') === state.as!.issuer, `iss is ${p.get('iss')}, expected ${state.as!.issuer}`, `iss = ${state.as!.issuer} (mix-up defence)`);
    const code = p.get('code');
    ctx.check(code, 'no code in the redirect', `authorization code ${mask(code ?? '')}`);
    state.code = { code, verifier };
  },
};

/** Steps 7-8: the code and its verifier are exchanged for tokens bound to the MCP server. */
export const tokenStep: FlowStep<FlowState> = {
  diagram: '7-8',
  title: 'token request with code_verifier → access and refresh token',
  follows: 'RFC 6749 §4.1.3-4.1.4; RFC 7636 §4.5; RFC 8707 §2.2; RFC 9068 (JWT access token)',
  needs: ['code'],
  async run(ctx: StepContext, state: FlowState) {
    const { res, json } = await ctx.send({
      url: state.as!.token_endpoint,
      form: {
        grant_type: 'authorization_code',
        code: state.code!.code,
        redirect_uri: state.client!.redirectUri,
        client_id: state.client!.clientId,
        code_verifier: state.code!.verifier,
        resource: state.resource!,
      },
    });
    ctx.check(res.status === 200, `token endpoint answered ${res.status}`);
    ctx.check(res.headers.get('cache-control')?.includes('no-store'), 'token response is cacheable (Cache-Control: no-store missing)', 'Cache-Control: no-store');
    const body = json as { access_token?: string; refresh_token?: string; token_type?: string };
    ctx.check(body?.access_token && body.refresh_token, 'the response lacks access_token or refresh_token');
    ctx.check(body.token_type?.toLowerCase() === 'bearer', `token_type is ${body.token_type}`);
    const claims = decodeJwt(body.access_token);
    ctx.check(claims.aud === state.resource, `token audience ${String(claims.aud)}, expected ${state.resource}`, `aud = ${state.resource} (audience-bound)`);
    ctx.note(`claims: sub=${claims.sub} client_id=${String(claims.client_id)} scope="${String(claims.scope)}" lifetime ${Number(claims.exp) - Number(claims.iat)} s`);
    state.tokens = { accessToken: body.access_token, refreshToken: body.refresh_token };
  },
};
