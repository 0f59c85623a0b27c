import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'mocks/**/*.test.ts', 'suites/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Two test files at once: most of a file's time is spent waiting on sockets and timers (one
    // worker kept a 2-core machine ~0.9 cores busy); on this 2-core machine vitest's default
    // (cores - 1) would run them one by one.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
