import { Hono, type Context } from 'hono';
import { publicCors } from '../http/cors.js';
import { DPOP_ALGORITHMS } from '../oauth/dpop-proof.js';
import { protectedResourceMetadataDocument } from './metadata-route.js';
import { protectedResourceMetadataUrl } from './resources.js';

export interface ProtectedResourceMetadataOptions {
  /** The scopes the resource's operations declare (RFC 9728 §2: the tools' declarations). */
  scopes?: readonly string[];
  resourceName?: string;
  resourceDocumentation?: string;
  /** The resource accepts DPoP-bound tokens: advertise the proof algorithms (RFC 9728 §2). */
  dpop?: boolean;
}

/**
 * The RFC 9728 document for one resource (RS-1). RS-8: offline_access is never listed.
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-2
 */
export function protectedResourceMetadata(resource: string, issuer: string, opts: ProtectedResourceMetadataOptions = {}): Record<string, unknown> {
  return {
    ...protectedResourceMetadataDocument({
    resource,
    authorizationServers: [issuer],
    scopes: opts.scopes ?? [],
    ...(opts.resourceName && { resourceName: opts.resourceName }),
    ...(opts.resourceDocumentation && { resourceDocumentation: opts.resourceDocumentation }),
    }),
    // RFC 9728 §2: DPoP proof algorithms accepted; bearer tokens stay accepted, so DPoP is not required.
    ...(opts.dpop && { dpop_signing_alg_values_supported: [...DPOP_ALGORITHMS], dpop_bound_access_tokens_required: false }),
  };
}

export interface DiscoveryRoutesOptions extends ProtectedResourceMetadataOptions {
  issuer: string;
  /** The resources served here; the first is the primary one, which the origin-wide document also describes. */
  resources: readonly string[];
  /** The issuer's RFC 8414 document, mirrored at this origin when given. */
  authorizationServerMetadata?: Record<string, unknown> | undefined;
}

/**
 * Discovery documents served by a resource server:
 * - RS-1, RS-2: Protected Resource Metadata at the path-aware URL of each resource (RFC 9728 §3.1), and at the
 *   root, which describes the primary resource: clients that only probe the root then ask for a token the
 *   endpoint accepts (interop note 6).
 * - When given, the authorization server's RFC 8414 metadata at this origin, for 2025-03-26 clients that look
 *   for it there. It is the issuer's own document (built, not proxied), so its `issuer` names the authorization
 *   server, not this origin; those clients do not compare the two.
 * All public, so any origin may read them (interop note 12).
 */
export function discoveryRoutes(opts: DiscoveryRoutesOptions): Hono {
  const app = new Hono();
  const json = (doc: Record<string, unknown>) => (c: Context) => c.json(doc, 200, { 'Cache-Control': 'public, max-age=300' });
  const [primary] = opts.resources;
  if (!primary) throw new TypeError('discoveryRoutes: no resource');
  app.use('/.well-known/*', publicCors());
  for (const resource of opts.resources) {
    app.get(new URL(protectedResourceMetadataUrl(resource)).pathname, json(protectedResourceMetadata(resource, opts.issuer, opts)));
  }
  const root = new URL(protectedResourceMetadataUrl(new URL(primary).origin)).pathname;
  if (!opts.resources.some((r) => new URL(protectedResourceMetadataUrl(r)).pathname === root)) {
    app.get(root, json(protectedResourceMetadata(primary, opts.issuer, opts)));
  }
  if (opts.authorizationServerMetadata) {
    const asMetadata = json(opts.authorizationServerMetadata);
    app.get('/.well-known/oauth-authorization-server', asMetadata);
    app.get('/.well-known/openid-configuration', asMetadata);
  }
  return app;
}
