import { parse } from 'dotenv';
import { existsSync, readFileSync } from 'node:fs';
import type { Env } from './config.js';

/** The process environment over an optional .env file: a variable set in the environment wins, as with dotenv. */
export function readEnv(processEnv: Env, dotenvPath = '.env'): Env {
  const fromFile = existsSync(dotenvPath) ? parse(readFileSync(dotenvPath)) : {};
  return { ...fromFile, ...processEnv };
}
