import type { Context } from 'hono';

/**
 * Reads a POST body as JSON, once: `undefined` when it is empty or not JSON (the routes answer that as a
 * parse error themselves). The SDK is then handed the result as `parsedBody` and never reads the body. Read
 * straight from the connection (@hono/node-server), not from a clone of the request, which built a web Request
 * and a tee'd body stream for every call (a tenth of a tools/call, bench/HISTORY.md).
 */
export async function readJsonBody(c: Context): Promise<unknown> {
  if (c.req.method !== 'POST') return undefined;
  const text = await c.req.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
