import { Hono } from 'hono';
import { bodyLimit } from '../http/body-limit.js';
import { secureHeaders } from 'hono/secure-headers';
import { hostHeaderValidation } from '@modelcontextprotocol/hono';
import { allowlistCors } from '../http/cors.js';
import { errorHandler } from '../http/error-handler.js';
import { OAuthError } from '../oauth/errors.js';
import { discoveryRoutes } from '../resource-server/protected-resource-metadata.js';
import type { McpServerDeps } from './deps.js';
import { originCheck } from './http/origin-check.js';
import { mcpRoutes } from './mcp-routes.js';
import type { McpRuntime } from './runtime.js';

/** MCP messages and API bodies are small JSON documents. */
export const MAX_MCP_BODY_BYTES = 1024 * 1024;

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]', '::1'];

/** The MCP server's security headers (hono/secure-headers): its resources may be read cross-origin. */
export const MCP_SECURE_HEADERS = { crossOriginResourcePolicy: false } as const;

/** On a loopback bind, the Host names accepted (DNS rebinding); undefined when Host is not checked. */
export function allowedHostnames(settings: Pick<McpServerDeps['settings'], 'bindHost' | 'origin'>): string[] | undefined {
  if (settings.bindHost === undefined || !LOOPBACK_HOSTS.includes(settings.bindHost)) return undefined;
  const publicHost = new URL(settings.origin).hostname;
  return [...new Set(['127.0.0.1', 'localhost', '[::1]', publicHost])];
}

/** Routes the program mounts beside the MCP endpoint (a REST API, say), under their path prefixes. */
export interface MountedRoutes {
  /** e.g. /api: CORS from the allowlist and the Origin check cover `${prefix}` and `${prefix}/*`. */
  prefix: string;
  app: Hono;
}

/**
 * The MCP server: the MCP endpoint with every transport, the protected resource metadata and any routes
 * mounted beside it, composed with security headers, CORS from the allowlist (RS-10), Origin validation (TR-5)
 * and, on a loopback bind, Host validation against DNS rebinding.
 */
export function createMcpServerApp(deps: McpServerDeps, runtime: McpRuntime, extra: { routes?: readonly MountedRoutes[]; health?: () => Record<string, unknown> } = {}): Hono {
  const { settings } = deps;
  const app = new Hono();
  app.onError(errorHandler(deps.logger));
  app.notFound((c) => c.json({ error: 'not_found', error_description: `no route for ${c.req.method} ${c.req.path}` }, 404));
  app.use('*', secureHeaders(MCP_SECURE_HEADERS));
  const hosts = allowedHostnames(settings);
  if (hosts) app.use('*', hostHeaderValidation(hosts));
  // Discovery documents carry their own public CORS; the MCP endpoint and mounted routes only the allowlist.
  // Each request passes them once: `${base}/*` also matches base itself, and a base under another is covered by it
  // (twice, the CORS layer appended a second "Vary: Origin").
  for (const base of guardedBases([...settings.endpoints.map((e) => e.path), ...(extra.routes ?? []).map((r) => r.prefix)])) {
    const path = base === '/' ? '/*' : `${base}/*`;
    app.use(path, allowlistCors(settings.corsOrigins));
    app.use(path, originCheck({ allowlist: settings.corsOrigins, publicUrl: settings.origin }));
  }
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_MCP_BODY_BYTES,
      onError: () => {
        throw new OAuthError('invalid_request', `request body larger than ${MAX_MCP_BODY_BYTES} bytes`, { status: 413 });
      },
    }),
  );
  app.get('/health', (c) => c.json({ status: 'healthy', service: 'mcp-server', ...extra.health?.() }));
  // The tools' scope declarations are what scopes_supported advertises (RFC 9728 §2).
  app.route(
    '/',
    discoveryRoutes({
      issuer: settings.issuer,
      resources: settings.endpoints.map((e) => e.resource),
      scopes: settings.scopes,
      resourceName: settings.resourceName,
      authorizationServerMetadata: settings.authorizationServerMetadata,
      dpop: deps.dpop !== undefined,
    }),
  );
  for (const r of extra.routes ?? []) app.route('/', r.app);
  app.route('/', mcpRoutes(deps, runtime));
  return app;
}

/** The paths to guard, without those under another (e.g. /mcp/v1 under /mcp, anything under /). */
function guardedBases(paths: readonly string[]): string[] {
  const under = (p: string, base: string) => base === '/' || p === base || p.startsWith(`${base}/`);
  const unique = [...new Set(paths)];
  return unique.filter((p) => !unique.some((other) => other !== p && under(p, other)));
}
