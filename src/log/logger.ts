import { pino, type Logger } from 'pino';
import { logContext } from './context.js';
import { prettyDestination } from './pretty.js';

export type { Logger };

/**
 * Field names that could carry a secret, redacted at any of the first three levels of a log object. A second
 * line of defence: the code never passes secrets, codes or tokens to the logger in the first place.
 */
const SECRET_FIELDS = [
  'authorization',
  'cookie',
  'client_secret',
  'clientSecret',
  'code',
  'code_verifier',
  'codeVerifier',
  'refresh_token',
  'refreshToken',
  'access_token',
  'accessToken',
  'token',
  'id_token',
  'password',
  'secret',
];
// A top-level `code` is an OAuth error code (error-handler.ts), not an authorization code: left readable.
const REDACT_PATHS = SECRET_FIELDS.flatMap((f) => (f === 'code' ? [`*.${f}`, `*.*.${f}`] : [f, `*.${f}`, `*.*.${f}`]));

export interface LoggerOptions {
  /** Pretty lines instead of JSON; by default when stdout is a terminal and no destination is given. */
  pretty?: boolean;
}

/**
 * JSON logs with pino. Each line made during a request carries its request id and, once known, its flow id
 * and client id (log/context.ts). Fields that could carry a secret are redacted by name.
 */
export function createLogger(level: string, destination?: pino.DestinationStream, opts: LoggerOptions = {}): Logger {
  const pretty = opts.pretty ?? (destination === undefined && process.stdout.isTTY === true);
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      mixin: () => {
        const ctx = logContext();
        return ctx ? { reqId: ctx.reqId, ...(ctx.flowId && { flowId: ctx.flowId }), ...(ctx.clientId && { clientId: ctx.clientId }) } : {};
      },
    },
    destination ?? (pretty ? prettyDestination(process.stdout) : undefined),
  );
}

/** A logger that writes nothing, for tests. */
export const silentLogger = (): Logger => pino({ level: 'silent' });
