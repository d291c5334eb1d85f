import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'cli',
    include: ['test/**/*.test.ts'],
    // Each test spawns the command as a child process (tsx startup is about a second on a busy machine).
    testTimeout: 60_000,
  },
});
