import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'cli',
    include: ['test/**/*.test.ts'],
    // Builds the command once (test/global-setup.ts); each test then spawns it with plain node.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
  },
});
