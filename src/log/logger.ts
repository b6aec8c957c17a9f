import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs with pino. Fields that could carry a secret are redacted by path, as a second line of defence:
 * the code never passes secrets, codes or tokens to the logger in the first place.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: {
        paths: ['*.authorization', '*.client_secret', '*.code', '*.code_verifier', '*.refresh_token', '*.access_token', '*.password'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/** A logger that writes nothing, for tests. */
export const silentLogger = (): Logger => pino({ level: 'silent' });
