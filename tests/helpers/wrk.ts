import { spawnSync } from 'node:child_process';

/**
 * Whether wrk, the load generator of the bench, is installed. Suites that run it skip without it on a
 * developer's machine (their titles say why); under CI=true, where .ci/run installs wrk, a missing wrk is an
 * error instead, as for the PostgreSQL, Redis, nginx and Chromium suites.
 */
export function wrkInstalled(): boolean {
  const installed = spawnSync('wrk', ['--version']).error === undefined;
  if (!installed && process.env.CI === 'true') throw new Error('wrk is required under CI=true (apt-get install wrk)');
  return installed;
}
