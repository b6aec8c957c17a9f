import { Hono, type Context, type MiddlewareHandler } from 'hono';
import * as z from 'zod';
import type { DataService } from '../data-service.js';
import { ItemError } from '../items.js';
import { QuotaExceededError } from '../quota.js';
import type { AuthEnv } from './auth-env.js';
import { readJsonBody } from './json-body.js';
import { listItemsAnswer } from './reads.js';
import { apiError, notFound } from './respond.js';

// The type only: the rules of a name (trimmed, 1 to 200 characters) are the data layer's (../items.ts).
const name = z.string({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be a string') });

// A string such as "100" is refused rather than coerced: the API says what it expects (RS-9).
const value = z.number({
  error: (iss) =>
    iss.input === undefined
      ? 'is required'
      : typeof iss.input === 'string'
        ? 'must be a number, not a string (send 100, not "100")'
        : 'must be a finite number',
});

const createBody = z.object({ name, value });
const updateBody = z
  .object({ name: name.optional(), value: value.optional() })
  .refine((b) => b.name !== undefined || b.value !== undefined, 'must contain name, value or both');

/** A path id: a positive integer within the safe range, written plainly (no sign, no leading zeros). */
function parseId(c: Context): number | Response {
  const raw = c.req.param('id') ?? '';
  const id = /^[1-9][0-9]{0,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id)) {
    return apiError(c, 400, {
      error: 'invalid_request',
      error_description: 'id must be a positive integer',
      fields: { id: 'must be a positive integer' },
    });
  }
  return id;
}

/** Runs a data-layer call; a broken item rule (items.ts) is a 400 naming the field, as the body schema's are. */
async function itemRules<T>(c: Context, run: () => Promise<T>): Promise<T | Response> {
  try {
    return await run();
  } catch (err) {
    // A full quota (demo/quota.ts): 403, naming the limit; nothing was stored.
    if (err instanceof QuotaExceededError) return apiError(c, 403, { error: 'quota_exceeded', error_description: err.message });
    if (!(err instanceof ItemError)) throw err;
    return apiError(c, 400, { error: 'invalid_request', error_description: err.message, fields: { [err.field]: err.reason } });
  }
}

/**
 * /api/data: the caller's data items (owner = the token's subject), through the same DataService as the MCP
 * tools. GET needs read; POST, PUT and DELETE need write. Another owner's item answers 404, as if it did not
 * exist, so ids do not reveal what others hold.
 */
export function dataRoutes(data: DataService, auth: { read: MiddlewareHandler<AuthEnv>; write: MiddlewareHandler<AuthEnv> }): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const owner = (c: Context<AuthEnv>) => c.get('auth').subject;

  // The answer is reads.ts's, which a running server also sends from node:http directly.
  app.get('/api/data', auth.read, async (c) => {
    const a = await listItemsAnswer(data, c.get('auth'));
    return c.json(a.body, a.status, a.headers);
  });

  app.get('/api/data/:id', auth.read, async (c) => {
    const id = parseId(c);
    if (id instanceof Response) return id;
    const item = await data.get(owner(c), id);
    return item ? c.json(item, 200, { 'Cache-Control': 'no-store' }) : notFound(c, `item ${id}`);
  });

  app.post('/api/data', auth.write, async (c) => {
    const body = await readJsonBody(c, createBody);
    if (!body.ok) return body.response;
    const item = await itemRules(c, () => data.create(owner(c), body.value));
    if (item instanceof Response) return item;
    return c.json(item, 201, { Location: `/api/data/${item.id}`, 'Cache-Control': 'no-store' });
  });

  app.put('/api/data/:id', auth.write, async (c) => {
    const id = parseId(c);
    if (id instanceof Response) return id;
    const body = await readJsonBody(c, updateBody);
    if (!body.ok) return body.response;
    const patch: { name?: string; value?: number } = {};
    if (body.value.name !== undefined) patch.name = body.value.name;
    if (body.value.value !== undefined) patch.value = body.value.value;
    const item = await itemRules(c, () => data.update(owner(c), id, patch));
    if (item instanceof Response) return item;
    return item ? c.json(item, 200, { 'Cache-Control': 'no-store' }) : notFound(c, `item ${id}`);
  });

  app.delete('/api/data/:id', auth.write, async (c) => {
    const id = parseId(c);
    if (id instanceof Response) return id;
    // 200 with a body rather than 204: the original's clients print the answer.
    return (await data.remove(owner(c), id)) ? c.json({ deleted: true, id }, 200) : notFound(c, `item ${id}`);
  });

  return app;
}
