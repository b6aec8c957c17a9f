import type { Config } from '../config/config.js';

/** Hosts only this machine can reach. */
function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * Why `start` must not start with this configuration, in one line naming the fix, or undefined. These are
 * deployment mistakes rather than bad values, so they stop `start` only (the other commands still run):
 * - a demo (every request approved as the demo user, a published client secret) or server-managed mode (tokens
 *   without a sign-in) that others can reach, unless ALLOW_PUBLIC_WITHOUT_LOGIN=true says it is meant;
 * - an https issuer or MCP URL on a server that speaks plain http and sits behind no declared proxy: the URLs
 *   clients are given would not be the ones served (MCP authorization: HTTPS outside local development, AS-14).
 * docs/deploy.md, "Refusals at start", lists them.
 */
export function startRefusal(config: Config, only: 'auth' | 'mcp' | 'both' | 'one-origin'): string | undefined {
  // --one-origin serves both at the issuer's host and port: MCP_SERVER_HOST is not bound then.
  const mcpHost = only === 'one-origin' ? ['OAUTH_SERVER_HOST', config.authServer.host] : ['MCP_SERVER_HOST', config.mcpServer.host];
  const served = [
    ...(only !== 'mcp' ? [{ host: ['OAUTH_SERVER_HOST', config.authServer.host], url: ['OAUTH_ISSUER', config.authServer.issuer] }] : []),
    ...(only !== 'auth' ? [{ host: mcpHost, url: ['MCP_SERVER_URL', config.mcpServer.url] }] : []),
  ];
  const withoutLogin = config.demo.enabled ? 'DEMO_MODE=true' : config.mcpAuthMode === 'server-managed' ? 'MCP_AUTH_MODE=server-managed' : undefined;
  if (withoutLogin && !config.allowPublicWithoutLogin) {
    for (const { host, url } of served) {
      const [hostVar, hostValue] = host as [string, string];
      const [urlVar, urlValue] = url as [string, string];
      const publicPart = !isLoopback(hostValue)
        ? `${hostVar}=${hostValue} is not a loopback address`
        : !isLoopback(new URL(urlValue).hostname)
          ? `${urlVar}=${urlValue} is not a loopback URL`
          : undefined;
      if (publicPart) {
        return (
          `${withoutLogin} gives out tokens without anyone signing in, and ${publicPart}: ` +
          `set ${config.demo.enabled ? 'DEMO_MODE=false' : 'MCP_AUTH_MODE=oauth'} (docs/deploy.md), ` +
          'or ALLOW_PUBLIC_WITHOUT_LOGIN=true if others are meant to reach it'
        );
      }
    }
  }
  if (!config.tls && config.trustedProxies.length === 0) {
    for (const { url } of served) {
      const [urlVar, urlValue] = url as [string, string];
      if (new URL(urlValue).protocol === 'https:') {
        return (
          `${urlVar} is https but this server speaks plain http: set TLS_CERT_FILE and TLS_KEY_FILE to serve https ` +
          'itself, or TRUSTED_PROXIES to the address of the proxy that terminates TLS in front of it (docs/deploy.md)'
        );
      }
    }
  }
  return undefined;
}
