import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'bench',
    include: ['test/**/*.test.ts'],
    // The quick run seeds real SQLite files and PostgreSQL schemas and spawns a child process.
    // 240 s: on a loaded 2-core machine (load 11) the quick run took 90 s with the floors and W8.
    testTimeout: 240_000,
  },
});
