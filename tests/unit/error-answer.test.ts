import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { errorAnswer } from '../../src/http/error-answer.js';
import { createLogger } from '../../src/log/logger.js';
import { OAuthError } from '../../src/oauth/errors.js';

/** The one error renderer (http/error-answer.ts), used by the Hono error handler and the direct token route. */
function logged() {
  const lines: string[] = [];
  const logger = createLogger('trace', { write: (line: string) => void lines.push(line) });
  return { logger, entries: () => lines.map((l) => JSON.parse(l) as { level: number; msg: string; path?: string }) };
}

describe('errorAnswer (RFC 6749 §5.2)', () => {
  it('an OAuthError: its status, its JSON body, no-store and its own headers; logged at debug', () => {
    const { logger, entries } = logged();
    const err = new OAuthError('invalid_client', 'client authentication failed', { headers: { 'WWW-Authenticate': 'Basic realm="oauth"' }, cause: new Error('secret mismatch') });
    const answer = errorAnswer(err, logger, '/oauth/token');
    expect(answer).toStrictEqual({
      status: 401,
      body: { error: 'invalid_client', error_description: 'client authentication failed' },
      headers: { 'Cache-Control': 'no-store', 'WWW-Authenticate': 'Basic realm="oauth"' },
    });
    expect(entries()).toMatchObject([{ level: 20, msg: 'client authentication failed', path: '/oauth/token' }]);
  });

  it('an HTTPException (a body limit): invalid_request with its status', () => {
    const { logger } = logged();
    const answer = errorAnswer(new HTTPException(413, { message: 'body too large' }), logger, '/oauth/register');
    expect(answer.status).toBe(413);
    expect(answer.body).toStrictEqual({ error: 'invalid_request', error_description: 'body too large' });
  });

  it('anything else: a bare server_error for the client, the detail in the log at error level only', () => {
    const { logger, entries } = logged();
    const answer = errorAnswer(new Error('db password is hunter2'), logger, '/oauth/token');
    expect(answer).toStrictEqual({ status: 500, body: { error: 'server_error', error_description: 'internal server error' }, headers: { 'Cache-Control': 'no-store' } });
    expect(JSON.stringify(answer)).not.toContain('hunter2');
    expect(entries()).toMatchObject([{ level: 50, msg: 'unhandled error', path: '/oauth/token' }]);
  });
});
