// What both oidc-provider peers (oidc-provider.mjs, oidc-provider-flows.mjs) configure the same way: one ES256
// signing key, like ours, and access tokens as ES256 JWTs for the requested resource (RFC 8707 resource indicators).
import { exportJWK, generateKeyPair } from 'jose';

/** A fresh ES256 signing key as the provider's JWKS entry. */
export async function benchSigningKey() {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(privateKey)), use: 'sig', alg: 'ES256', kid: 'bench' };
}

/** The resourceIndicators feature: tokens for `resource` by default, JWT (ES256) access tokens with scope "read write". */
export function jwtResourceIndicators(resource) {
  return {
    enabled: true,
    defaultResource: () => resource,
    useGrantedResource: () => true,
    getResourceServerInfo: (_ctx, indicator) => ({
      scope: 'read write',
      audience: indicator,
      accessTokenTTL: 3600,
      accessTokenFormat: 'jwt',
      jwt: { sign: { alg: 'ES256' } },
    }),
  };
}
