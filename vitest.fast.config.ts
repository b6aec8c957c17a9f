import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * `npm run test:fast`: what a developer runs between edits, in under a minute. Pure unit tests, the in-process
 * integration tests and the store suites on SQLite only. Left to `npm test`: tests that spawn processes
 * (tests/e2e, tests/scale), the official-client interop and browser suites, and everything that needs
 * PostgreSQL or Redis.
 */
export default defineConfig({
  test: {
    ...base.test,
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/store/store.test.ts', 'tests/store/token-store.test.ts'],
    exclude: ['tests/integration/shared-rate-limits.test.ts'],
    env: { TEST_DATABASES: 'sqlite' },
  },
});
