import type { Context } from 'hono';

export type ApiErrorCode = 'invalid_request' | 'not_found' | 'quota_exceeded';

/** An API error body: the OAuth-style {error, error_description}, plus per-field messages for validation. */
export interface ApiErrorBody {
  error: ApiErrorCode;
  error_description: string;
  fields?: Record<string, string>;
}

/** RS-9: 400 for a malformed request, 403 for a full quota (demo/quota.ts), 404 for what the caller does not own or that does not exist, 415 for non-JSON. */
export function apiError(c: Context, status: 400 | 403 | 404 | 413 | 415, body: ApiErrorBody): Response {
  return c.json(body, status, { 'Cache-Control': 'no-store' });
}

export function notFound(c: Context, what: string): Response {
  return apiError(c, 404, { error: 'not_found', error_description: `${what} not found` });
}
