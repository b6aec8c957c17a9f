import { parseChallenge } from '../../doctor/www-authenticate.js';
import type { FlowStep, StepContext } from '../runner.js';
import type { AuthorizationServer, FlowState } from '../state.js';

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'oauth-mcp flow', version: '1.0' } },
};

/** Steps 1-2: the client connects without a token and is told where the resource's metadata is. */
export const challengeStep: FlowStep<FlowState> = {
  diagram: '1-2',
  title: 'initialize without a token → 401 challenge',
  follows: 'MCP Authorization, "Authorization Server Location"; RFC 9728 §5.1; RFC 6750 §3',
  async run(ctx: StepContext, state: FlowState) {
    const { res } = await ctx.send({
      url: state.mcpUrl,
      headers: { accept: 'application/json, text/event-stream' },
      json: INITIALIZE,
    });
    ctx.check(res.status === 401, `expected 401 without a token, got ${res.status}`, 'the MCP server asks for a token (401)');
    const challenge = parseChallenge(res.headers.get('www-authenticate') ?? '');
    ctx.check(challenge?.scheme === 'bearer', 'no Bearer challenge in WWW-Authenticate');
    const metadataUrl = challenge.params.resource_metadata;
    ctx.check(metadataUrl, 'the challenge has no resource_metadata parameter', `resource_metadata → ${metadataUrl}`);
    state.resourceMetadataUrl = metadataUrl;
    if (challenge.params.scope) ctx.note(`scopes to ask for: ${challenge.params.scope}`);
  },
};

function stringField(doc: unknown, name: string): string | undefined {
  const v = (doc as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : undefined;
}

/** Step 2: the OAuth metadata: the resource's (RFC 9728), then its authorization server's (RFC 8414). */
export const metadataStep: FlowStep<FlowState> = {
  diagram: '2',
  title: 'discovery: resource and authorization server metadata',
  follows: 'RFC 9728 §3; RFC 8414 §3 (issuer must match exactly); MCP Authorization, "Server Metadata Discovery"',
  needs: ['resourceMetadataUrl'],
  async run(ctx: StepContext, state: FlowState) {
    const prm = await ctx.send({ url: state.resourceMetadataUrl! });
    ctx.check(prm.res.status === 200, `protected resource metadata: HTTP ${prm.res.status}`);
    const doc = prm.json as { resource?: string; authorization_servers?: string[]; scopes_supported?: string[] };
    ctx.check(doc?.resource === state.mcpUrl, `metadata names resource ${doc?.resource}, expected ${state.mcpUrl}`, `resource = ${state.mcpUrl}`);
    const issuer = doc.authorization_servers?.[0];
    ctx.check(issuer, 'authorization_servers is empty', `authorization server: ${issuer}`);
    if (state.expectedIssuer) {
      ctx.check(issuer === state.expectedIssuer, `the MCP server names ${issuer}, the configuration ${state.expectedIssuer}`);
    }
    state.resource = doc.resource;
    state.scopes = (doc.scopes_supported ?? []).join(' ') || undefined;

    const url = `${issuer.replace(/\/+$/, '')}/.well-known/oauth-authorization-server`;
    const asm = await ctx.send({ url });
    ctx.check(asm.res.status === 200, `authorization server metadata: HTTP ${asm.res.status}`);
    const meta = asm.json as Partial<AuthorizationServer>;
    ctx.check(meta?.issuer === issuer, `issuer ${meta?.issuer} differs from ${issuer} (RFC 8414 §3.3)`, `issuer matches exactly: ${issuer}`);
    ctx.check(meta.code_challenge_methods_supported?.includes('S256'), 'S256 is not in code_challenge_methods_supported', 'PKCE S256 advertised');
    for (const field of ['authorization_endpoint', 'token_endpoint', 'registration_endpoint', 'jwks_uri'] as const) {
      ctx.check(stringField(meta, field), `metadata has no ${field}`);
    }
    state.as = meta as AuthorizationServer;
  },
};
