import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import type { FlowStep, StepContext } from '../runner.js';
import type { FlowState } from '../state.js';

/** Steps 10-12 seen from outside: the resource API the tools use, called directly with the same token. */
export const resourceApiStep: FlowStep<FlowState> = {
  diagram: '10-12',
  title: 'the resource API behind the tools: GET /api/data',
  follows: 'RFC 6750 §2.1 (Authorization: Bearer); RFC 8707 (the token is for this resource)',
  needs: ['tokens', 'createdItemId'],
  async run(ctx: StepContext, state: FlowState) {
    const { res, json } = await ctx.send({ url: `${state.apiBase}/api/data`, headers: { authorization: `Bearer ${state.tokens!.accessToken}` } });
    ctx.check(res.status === 200, `GET /api/data answered ${res.status}`);
    const items = (json as { items?: { id: number }[] } | undefined)?.items ?? [];
    ctx.check(items.some((i) => i.id === state.createdItemId), `item #${state.createdItemId} is missing`, `the item created through MCP is here too`);
  },
};

/** Step 11: what the resource server does with each token, done here in the open: JWKS, signature, claims. */
export const verifyTokenStep: FlowStep<FlowState> = {
  diagram: '11',
  title: 'token verification as the resource server does it (JWKS)',
  follows: 'RFC 9068 §4 (validating JWT access tokens); RFC 7517 (JWK Set); RFC 8725 §3.1 (allowed algorithms)',
  needs: ['tokens', 'as'],
  async run(ctx: StepContext, state: FlowState) {
    const token = state.tokens!.accessToken;
    const header = decodeProtectedHeader(token);
    const { res, json } = await ctx.send({ url: state.as!.jwks_uri });
    ctx.check(res.status === 200, `JWKS answered ${res.status}`);
    const jwks = json as JSONWebKeySet;
    ctx.check(jwks?.keys?.some((k) => k.kid === header.kid), `no key with kid ${header.kid} in the JWKS`, `signing key ${header.kid} (${header.alg}) is published`);
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), {
      issuer: state.as!.issuer,
      audience: state.resource!,
      typ: 'at+jwt',
      algorithms: ['ES256', 'RS256', 'EdDSA', 'PS256'],
    });
    ctx.note(`signature valid, typ ${protectedHeader.typ}, iss and aud as expected, not expired`);
    ctx.note(`scope "${String(payload.scope)}" for subject ${payload.sub}`);
  },
};
