import type { Context } from 'hono';
import { OAuthError } from '../oauth/errors.js';

/** Parameters of a form-encoded request, each present at most once and never empty. */
export type FormParams = Readonly<Record<string, string>>;

/** One application/x-www-form-urlencoded name or value, decoded (throws URIError on a bad escape). */
export function decodeFormComponent(raw: string): string {
  const plus = raw.includes('+');
  if (!plus && !raw.includes('%')) return raw; // most names and many values: nothing to decode
  // application/x-www-form-urlencoded: '+' is a space, then percent-decoding (WHATWG URL §5.1).
  return decodeURIComponent(plus ? raw.replace(/\+/g, ' ') : raw);
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
  // Names sent without a value: absent from params, but still sent (a repeat of one is refused too).
  let empty: Set<string> | undefined;
  // Pair by pair with indexOf: no array of pairs, and no set of names beside params.
  for (let start = 0; start < body.length; ) {
    const amp = body.indexOf('&', start);
    const end = amp === -1 ? body.length : amp;
    if (end > start) {
      const eq = body.indexOf('=', start);
      const split = eq !== -1 && eq < end;
      let name: string;
      let value: string;
      try {
        name = decodeFormComponent(body.slice(start, split ? eq : end));
        value = split ? decodeFormComponent(body.slice(eq + 1, end)) : '';
      } catch {
        throw new OAuthError('invalid_request', 'the request body is not valid form encoding');
      }
      if (name in params || empty?.has(name)) {
        // RFC 8707 §2 allows several resources, but a token here has one audience: say so precisely.
        if (name === 'resource') throw new OAuthError('invalid_target', 'only one resource per request is supported');
        // RFC 6749 §3.2: request parameters MUST NOT be included more than once.
        throw new OAuthError('invalid_request', `parameter ${name.slice(0, 40)} is repeated`);
      }
      // RFC 6749 §3.2: parameters sent without a value MUST be treated as if they were omitted.
      if (value !== '') params[name] = value;
      else (empty ??= new Set()).add(name);
    }
    start = end + 1;
  }
  return params;
}
