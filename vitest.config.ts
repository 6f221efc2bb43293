import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    // one initialised PGlite folder, copied by the suites instead of running initdb each time
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration suites start servers and databases; two cores, so keep parallelism modest.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
