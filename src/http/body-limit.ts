import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit as streamingBodyLimit } from 'hono/body-limit';

/**
 * Refuses request bodies over `maxSize` bytes, like Hono's bodyLimit, but decides from Content-Length alone
 * when the request has one (Node's HTTP parser never reads past it) and lets GET and HEAD through untouched.
 * Hono's version reads `c.req.raw.body` first, which on @hono/node-server builds a full web Request with a
 * stream for every request, even a GET: about a fifth of a token request's CPU (bench/HISTORY.md). Only a
 * chunked body, whose size is unknown until read, goes through Hono's counting reader.
 */
export function bodyLimit(options: { maxSize: number; onError: (c: Context) => Response | Promise<Response> }): MiddlewareHandler {
  const counting = streamingBodyLimit(options);
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      return Number(length) > options.maxSize ? options.onError(c) : next();
    }
    return counting(c, next);
  };
}
