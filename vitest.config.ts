import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Browser and socket tests share one small machine; keep the load predictable.
    maxWorkers: 2,
  },
});
