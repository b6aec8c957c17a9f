import type { Context } from 'hono';

/**
 * Sets (or appends) a header on the response a handler returned. Middleware calls this after `next()`, never
 * before: touching `c.res` before the handler makes Hono copy the handler's response into a full web Response.
 */
export function setResponseHeader(c: Context, name: string, value: string, append = false): void {
  try {
    if (append) c.res.headers.append(name, value);
    else c.res.headers.set(name, value);
  } catch {
    // Headers of a fetched Response are immutable: copy it.
    c.res = new Response(c.res.body, c.res);
    if (append) c.res.headers.append(name, value);
    else c.res.headers.set(name, value);
  }
}
