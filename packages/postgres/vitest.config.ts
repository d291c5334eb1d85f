import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'postgres',
    include: ['test/**/*.test.ts'],
    // Finds the server once per run (CHRONICLE_PG_URL, else testcontainers, else a printed skip),
    // then starts PgBouncer in transaction mode in front of it (test/pgbouncer.int.test.ts).
    globalSetup: ['test/support/global-setup.ts', 'test/support/pgbouncer-setup.ts'],
    // Files that hold transactions open or saturate the server run alone (see the setup file).
    setupFiles: ['test/support/server-turns.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
