import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'scripts',
    // Some tests run vitest or git as child processes; give them room on a 2-core machine.
    testTimeout: 120_000,
    include: ['test/**/*.test.ts'],
  },
});
