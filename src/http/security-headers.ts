import type { Context } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

type SecureHeadersOptions = NonNullable<Parameters<typeof secureHeaders>[0]>;

/** The authorization server's security headers. No page of it is meant to be framed (login and consent: clickjacking), so DENY. */
export const AUTH_SERVER_SECURE_HEADERS: SecureHeadersOptions = { crossOriginResourcePolicy: false, xFrameOptions: 'DENY' };

/**
 * The headers `secureHeaders(options)` puts on an answer, read once from the middleware itself, so that routes
 * answered by node:http directly (http/direct-route.ts) send exactly what the Hono routes send. The middleware runs
 * on a context that holds only the answer's headers, not in a Hono app on a web Request: that probe was the first
 * Request and Response of the process, ~2 ms of every start (bench/HISTORY.md, round 2, cold start). Options whose
 * value depends on the request (a CSP nonce) would need the request; they stop the start with this error.
 */
export async function secureHeaderValues(options: SecureHeadersOptions): Promise<Record<string, string>> {
  const headers = new Map<string, string>();
  const perRequest = () => {
    throw new Error('secureHeaderValues: options that depend on the request (a CSP nonce) are not supported');
  };
  const context = {
    res: {
      headers: {
        has: (name: string) => headers.has(name.toLowerCase()),
        set: (name: string, value: string) => void headers.set(name.toLowerCase(), value),
        delete: (name: string) => void headers.delete(name.toLowerCase()),
      },
    },
    get: perRequest,
    set: perRequest,
  };
  await secureHeaders(options)(context as unknown as Context, async () => {});
  // In the order a Headers object lists them (Fetch standard, "sort and combine"): lower-case names, sorted.
  return Object.fromEntries([...headers].sort(([a], [b]) => (a < b ? -1 : 1)));
}
