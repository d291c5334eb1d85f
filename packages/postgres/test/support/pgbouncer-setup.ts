import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import type { PostgresTarget } from './global-setup';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PgBouncer in transaction mode in front of the run's server (see below). */
    chroniclePgBouncer: PostgresTarget;
  }
}

/**
 * Starts a real PgBouncer in **transaction mode** on a free loopback port, in front of the server
 * `global-setup.ts` found, so the conformance suite and the fault tests run once more through a
 * pooler (`test/pgbouncer.int.test.ts`). Its config, socket and log live in a temporary folder; it
 * is stopped afterwards. PgBouncer refuses to run as root, so as root it runs as the `postgres` user
 * (`runuser`). Without a server the tests skip with the server's reason; without the `pgbouncer`
 * binary they skip with that reason — except under CI=true, where it is a failure (`.ci/run`
 * installs it).
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const server = project.getProvidedContext().chroniclePostgres;
  const skip = (reason: string) => {
    project.provide('chroniclePgBouncer', { url: null, reason });
    return undefined;
  };
  if (server.url === null) return skip(server.reason);
  const binary = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer', '/usr/local/bin/pgbouncer'].find(
    (path) => spawnSync(path, ['--version']).status === 0,
  );
  if (binary === undefined) {
    const reason = 'PgBouncer tests skipped: no pgbouncer binary (apt-get install pgbouncer)';
    if (process.env.CI === 'true') throw new Error(`${reason}. Under CI=true they must run.`);
    console.warn(`\n[postgres] ${reason}\n`);
    return skip(reason);
  }
  const upstream = new URL(server.url);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'chronicle-pgbouncer-'));
  const user = decodeURIComponent(upstream.username || 'postgres');
  const ini = join(dir, 'pgbouncer.ini');
  writeFileSync(join(dir, 'userlist.txt'), `"${user}" "${decodeURIComponent(upstream.password)}"\n`);
  writeFileSync(
    ini,
    [
      '[databases]',
      `* = host=${upstream.hostname} port=${upstream.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      `unix_socket_dir = ${dir}`,
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      'pool_mode = transaction',
      // The server's own authentication decides (trust in CI); PgBouncer passes the user through.
      upstream.password === '' ? 'auth_type = trust' : 'auth_type = plain',
      `auth_file = ${join(dir, 'userlist.txt')}`,
      'max_client_conn = 400',
      'default_pool_size = 40',
      // pg sends these at startup; PgBouncer 1.18 refuses unknown startup parameters otherwise.
      'ignore_startup_parameters = extra_float_digits,statement_timeout',
    ].join('\n'),
  );
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    chmodSync(dir, 0o777);
    for (const file of ['pgbouncer.ini', 'userlist.txt']) chmodSync(join(dir, file), 0o644);
  }
  const child: ChildProcess = asRoot
    ? spawn('runuser', ['-u', 'postgres', '--', binary, ini], { stdio: 'ignore' })
    : spawn(binary, [ini], { stdio: 'ignore' });
  const log = () => {
    try {
      return readFileSync(join(dir, 'pgbouncer.log'), 'utf8').slice(-2000);
    } catch {
      return '(no log)';
    }
  };
  try {
    await waitForPort(port, child);
  } catch (error) {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`PgBouncer did not start: ${(error as Error).message}\n${log()}`);
  }
  const url = new URL(server.url);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  project.provide('chroniclePgBouncer', {
    url: url.toString(),
    reason: `PgBouncer ${binary} (transaction mode)`,
  });
  return async () => {
    // runuser forwards SIGTERM to PgBouncer, which then exits.
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    rmSync(dir, { recursive: true, force: true });
  };
}

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

/** Resolves once `port` accepts connections; rejects if the child exits first or after 15 s. */
async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  let exit: string | undefined;
  child.once('exit', (code, signal) => {
    exit = `exited with ${code ?? signal}`;
  });
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (exit !== undefined) throw new Error(exit);
    const open = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1');
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('timed out waiting for its port');
}
