/**
 * Well-known URLs as clients build them. RFC 9728 §3.1 and RFC 8414 §3.1 insert the well-known segment between
 * the host and the path, after removing a terminating "/" from the path.
 */

function pathOf(url: URL): string {
  return url.pathname.replace(/\/+$/, '');
}

/** Protected resource metadata: the path-aware URL (when the resource has a path) and the root URL. */
export function protectedResourceMetadataUrls(resource: string): { pathAware?: string; root: string } {
  const u = new URL(resource);
  const path = pathOf(u);
  const root = `${u.origin}/.well-known/oauth-protected-resource`;
  return path ? { pathAware: `${root}${path}`, root } : { root };
}

export interface MetadataUrl {
  label: string;
  url: string;
  /** Root forms of an issuer with a path describe whatever issuer the host's root has: optional. */
  optional: boolean;
}

/**
 * Authorization server metadata URLs in the order the MCP specification has clients try them ("Server Metadata
 * Discovery"): OAuth then OpenID, path-inserted, then OpenID path-appended; for an issuer with a path also the
 * root forms some clients use.
 */
export function authorizationServerMetadataUrls(issuer: string): MetadataUrl[] {
  const u = new URL(issuer);
  const path = pathOf(u);
  const oauth = `${u.origin}/.well-known/oauth-authorization-server`;
  const oidc = `${u.origin}/.well-known/openid-configuration`;
  if (!path) {
    return [
      { label: 'OAuth (RFC 8414)', url: oauth, optional: false },
      { label: 'OpenID discovery', url: oidc, optional: false },
    ];
  }
  return [
    { label: 'OAuth, path-inserted', url: `${oauth}${path}`, optional: false },
    { label: 'OpenID, path-inserted', url: `${oidc}${path}`, optional: false },
    { label: 'OpenID, path-appended', url: `${u.origin}${path}/.well-known/openid-configuration`, optional: false },
    { label: 'OAuth, root', url: oauth, optional: true },
    { label: 'OpenID, root', url: oidc, optional: true },
  ];
}

/** Equal once a terminating slash is ignored: the trailing-slash mismatch of interop note 5. */
export function sameButTrailingSlash(a: string, b: string): boolean {
  return a !== b && a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}
