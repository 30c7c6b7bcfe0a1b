import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Vitest's default is one worker fewer than the cores: a single worker on a 2-core CI machine. Most test files
    // spend their time waiting on a child `jiuzhu` process or on PostgreSQL, so one more worker than cores keeps the
    // cores busy (measured on 2 cores: the Node 24 pass on both databases in 7 min instead of 13).
    maxWorkers: availableParallelism() + 1,
  },
});
