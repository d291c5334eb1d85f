import { expect, it } from 'vitest';
import { describePostgres, everyPath, target } from './support/postgres';
import { runTsx } from './support/run-tsx';

/** Runs the kill loop in a child process (see `support/migrate-under-kills.ts`). */
function runKillLoop(url: string, hits: number, seed: number, named: boolean, serverUrl: string) {
  const args = [url, String(hits), String(seed), named ? 'named' : 'unnamed', serverUrl];
  return runTsx('test/support/migrate-under-kills.ts', args);
}

for (const via of everyPath) {
  describePostgres(
    'postgres store: backends killed during migrate()',
    () => {
      it('survives 50 kills at random moments of a migration; each call rejects retriably or succeeds, the next succeeds', async () => {
        const seed = Number(process.env.CHRONICLE_SEED ?? Date.now() % 2 ** 31);
        console.log(`[migration kills] seed ${seed} (replay: CHRONICLE_SEED=${seed})`);
        const { code, stdout, stderr } = await runKillLoop(
          via.target.url!,
          50,
          seed,
          via.settings.prepareStatements !== false,
          target.url!,
        );
        // A crash (an unhandled 'error' event) ends the child with a stack trace and a non-zero code.
        expect(stderr, `seed ${seed}`).not.toMatch(/Unhandled 'error' event|Error/);
        expect(code, `seed ${seed}: ${stderr}`).toBe(0);
        const summary = JSON.parse(stdout.trim().split('\n').pop()!);
        console.log('[migration kills]', summary);
        expect(summary.problems).toEqual([]);
        expect(summary.hits).toBeGreaterThanOrEqual(50);
      }, 180_000);
    },
    via,
  );
}
