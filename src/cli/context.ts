import { systemClock } from '../clock.js';
import { ConfigError, loadConfig, type Config } from '../config/config.js';
import { readEnv } from '../config/env.js';
import { createLogger, type Logger } from '../log/logger.js';

export interface CliIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Loads configuration for a command; a bad value ends the process with one line naming the variable. */
export function loadCliConfig(io: CliIo, env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(readEnv(env));
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr.write(`mcp-auth-server: configuration error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

export function cliLogger(config: Config): Logger {
  return createLogger(config.logLevel);
}

export const clock = systemClock;
