import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'postgres',
    include: ['test/**/*.test.ts'],
    // Finds the server once per run (CHRONICLE_PG_URL, else testcontainers, else a printed skip),
    // then starts PgBouncer in transaction mode in front of it (test/pgbouncer.int.test.ts).
    globalSetup: ['test/support/global-setup.ts', 'test/support/pgbouncer-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
