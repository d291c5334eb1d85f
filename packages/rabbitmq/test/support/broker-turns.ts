import { mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LOCK = join(tmpdir(), 'chronicle-rabbitmq-broker-turn');
/** A turn older than this was left by a killed run: taken over. */
const STALE_MS = 5 * 60_000;

/**
 * Runs `work` while no other test of this machine holds the broker: the outage test stops RabbitMQ's
 * app, and the bench test (another vitest project, in parallel) must not publish meanwhile. A lock
 * directory, because `mkdir` is atomic across processes.
 */
export async function withBrokerTurn<T>(work: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      const age = Date.now() - (statOrUndefined()?.mtimeMs ?? Date.now());
      if (age > STALE_MS) rmSync(LOCK, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

function statOrUndefined() {
  try {
    return statSync(LOCK);
  } catch {
    return undefined;
  }
}
