import type { TestProject } from 'vitest/node';

/** What the PostgreSQL tests run against, decided once for the whole run. */
export interface PostgresTarget {
  /** The server's URL, or null when there is none. */
  readonly url: string | null;
  /** Where the URL came from, or why the tests are skipped. */
  readonly reason: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    chroniclePostgres: PostgresTarget;
  }
}

/**
 * Finds a PostgreSQL server: CHRONICLE_PG_URL when set; otherwise a throwaway container when a
 * Docker engine answers (one for the whole run); otherwise none — the tests then skip with the
 * reason, except under CI=true, where a missing database is a failure, not a skip.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const fromEnv = process.env.CHRONICLE_PG_URL;
  if (fromEnv !== undefined && fromEnv !== '') {
    project.provide('chroniclePostgres', { url: fromEnv, reason: 'CHRONICLE_PG_URL' });
    return undefined;
  }
  let engine: string;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const client = await getContainerRuntimeClient();
    engine = client.info.containerRuntime.host;
  } catch (error) {
    const reason =
      'PostgreSQL tests skipped: CHRONICLE_PG_URL is not set and no Docker engine answers ' +
      `(${(error as Error).message.split('\n')[0]})`;
    if (process.env.CI === 'true') {
      throw new Error(`${reason}. Under CI=true the PostgreSQL tests must run: set CHRONICLE_PG_URL.`);
    }
    console.warn(`\n[postgres] ${reason}\n`);
    project.provide('chroniclePostgres', { url: null, reason });
    return undefined;
  }
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer('postgres:15-alpine').start();
  project.provide('chroniclePostgres', {
    url: container.getConnectionUri(),
    reason: `testcontainers (postgres:15-alpine on ${engine})`,
  });
  return async () => {
    await container.stop();
  };
}
