import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'nats',
    include: ['test/**/*.test.ts'],
    // Real servers on a shared 2-core machine: connection set-up and stream creation can take seconds
    // under load. The fault tests set their own, longer limits.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
