import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A limit against hangs, not a speed check. Tests that run `jiuzhu` as a child process pay its start-up each time
    // (~1.4 s on an idle 2-core machine, three or four times that beside the other workers); a test of seven such
    // commands passed alone in 12 s and ran past 30 s in a CI pass.
    testTimeout: 90_000,
    hookTimeout: 60_000,
    // Vitest's default is one worker fewer than the cores: a single worker on a 2-core CI machine. Most test files
    // spend their time waiting on a child `jiuzhu` process or on PostgreSQL, so one more worker than cores keeps the
    // cores busy (measured on 2 cores: the Node 24 pass on both databases in 7 min instead of 13).
    maxWorkers: availableParallelism() + 1,
  },
});
