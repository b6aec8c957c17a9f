import type { Context } from 'hono';
import type { z } from 'zod';
import { apiError } from './respond.js';

/** application/json or a structured +json type, with any parameters (charset). */
const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

export type ParsedBody<T> = { ok: true; value: T } | { ok: false; response: Response };

/**
 * Reads and validates a JSON body: 415 when it is not declared as JSON (RFC 9110 §15.5.16), 400 when it does not
 * parse or does not match the schema, with one message per offending field.
 */
export async function readJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<ParsedBody<z.output<S>>> {
  const type = c.req.header('content-type') ?? '';
  if (!JSON_TYPE.test(type)) {
    return { ok: false, response: apiError(c, 415, { error: 'invalid_request', error_description: 'Content-Type must be application/json' }) };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(await c.req.text());
  } catch {
    return { ok: false, response: apiError(c, 400, { error: 'invalid_request', error_description: 'request body is not valid JSON' }) };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, response: apiError(c, 400, { error: 'invalid_request', error_description: 'request body must be a JSON object' }) };
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.length ? issue.path.map(String).join('.') : '_';
    fields[key] ??= issue.message;
  }
  const description = Object.entries(fields)
    .map(([k, m]) => (k === '_' ? m : `${k} ${m}`))
    .join('; ');
  return { ok: false, response: apiError(c, 400, { error: 'invalid_request', error_description: description, fields }) };
}
