import type { Context } from 'hono';
import type { Logger } from '../log/logger.js';
import { errorAnswer } from './error-answer.js';

/**
 * Turns any thrown error into a response through the one error renderer (http/error-answer.ts): an OAuthError
 * into its RFC 6749 §5.2 JSON body and status, an HTTPException (e.g. hono's body limit) into an
 * invalid_request, anything else into a bare server_error whose detail goes to the log only (docs/security.md).
 */
export function errorHandler(logger: Logger) {
  return (err: Error, c: Context): Response => {
    const answer = errorAnswer(err, logger, c.req.path);
    return c.json(answer.body, answer.status as 400, answer.headers);
  };
}
