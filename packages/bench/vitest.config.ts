import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'bench',
    include: ['test/**/*.test.ts'],
    // The quick run seeds real SQLite files and PostgreSQL schemas and spawns a child process.
    testTimeout: 120_000,
  },
});
