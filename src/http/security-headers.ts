import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

type SecureHeadersOptions = NonNullable<Parameters<typeof secureHeaders>[0]>;

/** The authorization server's security headers. No page of it is meant to be framed (login and consent: clickjacking), so DENY. */
export const AUTH_SERVER_SECURE_HEADERS: SecureHeadersOptions = { crossOriginResourcePolicy: false, xFrameOptions: 'DENY' };

/**
 * The headers `secureHeaders(options)` puts on an answer, read once from the middleware itself, so that routes
 * answered by node:http directly (http/direct-route.ts) send exactly what the Hono routes send.
 */
export async function secureHeaderValues(options: SecureHeadersOptions): Promise<Record<string, string>> {
  const probe = new Hono();
  probe.use('*', secureHeaders(options));
  probe.get('/', (c) => c.body(null, 204));
  const res = await probe.request('/');
  return Object.fromEntries(res.headers);
}
