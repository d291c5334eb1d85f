/**
 * The TypeScript examples of docs/postgres.md, compiled and run (creating a store opens no
 * connection, so no server is needed). The last test checks that every TypeScript block of the guide
 * appears here line for line (imports aside), so the guide cannot drift from the API. The README's
 * quick start runs against a real server in `readme.int.test.ts`.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createPostgresEventStore } from '../src/index';

describe('docs/postgres.md examples', () => {
  it('set-up: a store from a connection string', async () => {
    const store = createPostgresEventStore({
      connectionString: 'postgres://app@db.internal:5432/app',
      schema: 'chronicle', // default
      poolConfig: { max: 10, connectionTimeoutMillis: 5_000, statement_timeout: 10_000 },
    });
    expect(store.schema).toBe('chronicle');
    await store.close();
  });

  it('set-up: a store on your own pool', async () => {
    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
    pool.on('error', (error) => console.warn('idle PostgreSQL connection dropped', error)); // see below
    const store = createPostgresEventStore({ pool });
    // What the guide promises: the pool stays yours. The store opened no connection, and close()
    // leaves the pool open (no endPoolOnClose); the 'error' listener is the only one.
    expect(store.schema).toBe('chronicle');
    expect(pool.listenerCount('error')).toBe(1);
    await store.close();
    expect(pool.ending).toBe(false);
    expect(pool.totalCount).toBe(0);
    await pool.end();
    expect(pool.ending).toBe(true);
  });

  it('schema profiles: a lean store', async () => {
    const writeHeavy = createPostgresEventStore({
      connectionString: 'postgres://app@db.internal:5432/app',
      schemaProfile: 'lean', // migrate() drops events_event_type_position_idx
    });
    expect(writeHeavy.schema).toBe('chronicle');
    await writeHeavy.close();
  });

  it('behind PgBouncer: listening off, polling on', async () => {
    const pooled = createPostgresEventStore({
      connectionString: 'postgres://app@pgbouncer.internal:6432/app',
      prepareStatements: false,
      listen: false, // LISTEN cannot work through a transaction-mode pooler
      pollIntervalMs: 100, // caught-up subscriptions read again this often
    });
    expect(pooled.schema).toBe('chronicle');
    await pooled.close();
    expect(() => createPostgresEventStore({ connectionString: 'postgres://x', pollIntervalMs: 0 })).toThrow(
      /pollIntervalMs/,
    );
  });

  it('every TypeScript block of the guide appears in this file', () => {
    const normalise = (line: string) => line.trim().replace(/\s+/g, ' ');
    const guide = readFileSync(new URL('../../../docs/postgres.md', import.meta.url), 'utf8');
    const here = new Set(
      readFileSync(new URL(import.meta.url), 'utf8')
        .split('\n')
        .map(normalise),
    );
    const blocks = [...guide.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) {
      for (const line of block.split('\n').map(normalise)) {
        if (line === '' || line.startsWith('import ')) continue;
        expect(here, `docs/postgres.md line not exercised here: ${line}`).toContain(line);
      }
    }
  });
});
