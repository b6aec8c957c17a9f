import type { Context } from 'hono';
import { OAuthError } from '../oauth/errors.js';

/** Parameters of a form-encoded request, each present at most once and never empty. */
export type FormParams = Readonly<Record<string, string>>;

function decodeFormComponent(raw: string): string {
  if (!raw.includes('%') && !raw.includes('+')) return raw; // most names and many values: nothing to decode
  // application/x-www-form-urlencoded: '+' is a space, then percent-decoding (WHATWG URL §5.1).
  return decodeURIComponent(raw.replace(/\+/g, ' '));
}

/**
 * Reads an `application/x-www-form-urlencoded` body strictly: other content types, malformed percent-encoding
 * and repeated parameters are refused with invalid_request; empty parameters count as absent.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 */
export async function readForm(c: Context): Promise<FormParams> {
  checkFormContentType(c.req.header('content-type'));
  return parseForm(await c.req.text());
}

/** RFC 6749 §3.2 (and RFC 7009 §2.1, RFC 7662 §2.1): the body is application/x-www-form-urlencoded. */
export function checkFormContentType(header: string | undefined): void {
  if (header === 'application/x-www-form-urlencoded') return; // what nearly every client sends
  const contentType = (header ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType !== 'application/x-www-form-urlencoded') {
    throw new OAuthError('invalid_request', 'the request body must be application/x-www-form-urlencoded');
  }
}

/** Parses a form body by the rules of readForm(). */
export function parseForm(body: string): FormParams {
  const params: Record<string, string> = Object.create(null);
  const seen = new Set<string>();
  for (const pair of body.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    let name: string;
    let value: string;
    try {
      name = decodeFormComponent(eq === -1 ? pair : pair.slice(0, eq));
      value = decodeFormComponent(eq === -1 ? '' : pair.slice(eq + 1));
    } catch {
      throw new OAuthError('invalid_request', 'the request body is not valid form encoding');
    }
    if (seen.has(name)) {
      // RFC 8707 §2 allows several resources, but a token here has one audience: say so precisely.
      if (name === 'resource') throw new OAuthError('invalid_target', 'only one resource per request is supported');
      // RFC 6749 §3.2: request parameters MUST NOT be included more than once.
      throw new OAuthError('invalid_request', `parameter ${name.slice(0, 40)} is repeated`);
    }
    seen.add(name);
    // RFC 6749 §3.2: parameters sent without a value MUST be treated as if they were omitted.
    if (value !== '') params[name] = value;
  }
  return params;
}
