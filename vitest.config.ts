import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests start real servers and child processes; the machine has 2 cores.
    maxWorkers: 2,
    // Builds client/dist once, so browser tests run against the current client code.
    globalSetup: ['tests/helpers/build-client.ts'],
  },
});
