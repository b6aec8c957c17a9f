import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: end-to-end suites start real servers, so keep parallelism modest.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
