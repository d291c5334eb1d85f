import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'demo',
    include: ['test/**/*.test.ts'],
    // The end-to-end test runs the demo as a child process (tsx, SQLite file).
    testTimeout: 60_000,
  },
});
