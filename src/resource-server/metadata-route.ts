import { Hono, type Context } from 'hono';
import { publicCors } from '../http/cors.js';
import { DPOP_ALGORITHMS } from '../oauth/dpop-proof.js';
import { canonicalResource } from '../oauth/resource.js';
import { protectedResourceMetadataUrl } from './resources.js';

export interface ProtectedResourceMetadataRouteOptions {
  /** The protected resource's identifier (its URL). */
  resource: string;
  /** Issuers whose tokens it accepts (RFC 9728 §2 `authorization_servers`). */
  authorizationServers: readonly string[];
  /** scopes_supported (RS-8: offline_access is never listed). */
  scopes?: readonly string[];
  resourceName?: string;
  resourceDocumentation?: string;
  /** The resource's middleware has the `dpop` option: advertise the proof algorithms (RFC 9728 §2). */
  dpop?: boolean;
}

/** The RFC 9728 §2 document of one resource. */
export function protectedResourceMetadataDocument(o: ProtectedResourceMetadataRouteOptions): Record<string, unknown> {
  return {
    resource: canonicalResource(o.resource) ?? o.resource,
    authorization_servers: [...o.authorizationServers],
    ...(o.scopes && { scopes_supported: o.scopes.filter((s) => s !== 'offline_access') }),
    bearer_methods_supported: ['header'],
    ...(o.resourceName && { resource_name: o.resourceName }),
    ...(o.resourceDocumentation && { resource_documentation: o.resourceDocumentation }),
    // RFC 9728 §2: DPoP proof algorithms accepted; Bearer stays accepted, so DPoP is not required.
    ...(o.dpop && { dpop_signing_alg_values_supported: [...DPOP_ALGORITHMS], dpop_bound_access_tokens_required: false }),
  };
}

/**
 * Serves the document at the resource's path-aware well-known URL (RFC 9728 §3.1), publicly readable (CORS),
 * as a Hono app to mount at the root of the resource's origin: `app.route('/', protectedResourceMetadataRoute(...))`.
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-3.1
 */
export function protectedResourceMetadataRoute(o: ProtectedResourceMetadataRouteOptions): Hono {
  const doc = protectedResourceMetadataDocument(o);
  const app = new Hono();
  const path = new URL(protectedResourceMetadataUrl(doc['resource'] as string)).pathname;
  app.use(path, publicCors());
  app.get(path, (c: Context) => c.json(doc, 200, { 'Cache-Control': 'public, max-age=300' }));
  return app;
}
