import { decodeJwt } from 'jose';
import { mask } from '../mask.js';
import type { FlowStep, StepContext } from '../runner.js';
import type { FlowState } from '../state.js';

/** After the 13 steps: the access token expires, the client refreshes, and the refresh token rotates. */
export const refreshStep: FlowStep<FlowState> = {
  diagram: 'R',
  title: 'refresh: new access token, rotated refresh token',
  follows: 'RFC 6749 §6; OAuth 2.1 §4.3.1 (refresh tokens of public clients rotate); RFC 8707 §2.2',
  needs: ['tokens', 'client'],
  async run(ctx: StepContext, state: FlowState) {
    const old = state.tokens!;
    const { res, json } = await ctx.send({
      url: state.as!.token_endpoint,
      form: { grant_type: 'refresh_token', refresh_token: old.refreshToken, client_id: state.client!.clientId, resource: state.resource! },
    });
    ctx.check(res.status === 200, `refresh answered ${res.status}`);
    const body = json as { access_token?: string; refresh_token?: string };
    ctx.check(body?.access_token, 'no access_token in the refresh response');
    ctx.check(body.refresh_token, 'no new refresh_token: a public client\'s refresh token must rotate');
    ctx.check(body.refresh_token !== old.refreshToken, 'the refresh token did not change', `refresh token rotated: ${mask(old.refreshToken)} → ${mask(body.refresh_token)}`);
    ctx.check(decodeJwt(body.access_token).aud === state.resource, 'the new access token is not for the MCP server', 'the new access token keeps the audience');
    const profile = await ctx.send({ url: `${state.apiBase}/api/user/profile`, headers: { authorization: `Bearer ${body.access_token}` } });
    ctx.check(profile.res.status === 200, `GET /api/user/profile with the new token answered ${profile.res.status}`, 'the new access token works');
    state.tokens = { accessToken: body.access_token, refreshToken: body.refresh_token };
  },
};

/** The original test_oauth_flow's first grant: a confidential client gets a token for itself, no user involved. */
export const clientCredentialsStep: FlowStep<FlowState> = {
  diagram: 'CC',
  title: 'client_credentials with the demo client, then a plain tools/call',
  follows: 'RFC 6749 §4.4 and §2.3.1 (client_secret_basic); the original demo\'s POST /mcp/v1/tools/call',
  needs: ['as', 'resource'],
  async run(ctx: StepContext, state: FlowState) {
    const { id, secret } = state.demoClient;
    const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
    const { res, json } = await ctx.send({
      url: state.as!.token_endpoint,
      headers: { authorization: `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64')}` },
      form: { grant_type: 'client_credentials', scope: 'read write', resource: state.resource! },
    });
    ctx.check(res.status === 200, `client_credentials answered ${res.status}: is the server in demo mode with client ${id}?`);
    const body = json as { access_token?: string; refresh_token?: string };
    ctx.check(body?.access_token, 'no access_token');
    ctx.check(body.refresh_token === undefined, 'client_credentials issued a refresh token', 'no refresh token (none for client_credentials, RFC 6749 §4.4.3)');
    ctx.note(`subject is the client itself: sub=${decodeJwt(body.access_token).sub}`);
    const call = await ctx.send({
      url: `${state.mcpUrl}/tools/call`,
      headers: { authorization: `Bearer ${body.access_token}` },
      json: { name: 'get_data', arguments: {} },
    });
    ctx.check(call.res.status === 200, `POST /mcp/v1/tools/call answered ${call.res.status}`);
    const rpc = call.json as { jsonrpc?: string; result?: unknown };
    ctx.check(rpc?.jsonrpc === '2.0' && rpc.result, 'the plain endpoint did not answer in JSON-RPC 2.0', 'answered in JSON-RPC 2.0 with a result');
  },
};
