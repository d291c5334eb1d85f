import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'workshop',
    include: ['test/**/*.test.ts'],
    // The CLI tests start real child processes (tsx, vitest); give them room on a 2-core machine.
    testTimeout: 60_000,
  },
});
