// Real nats-server processes for the tests: our own on free loopback ports with their own store
// directories (so fault tests never disturb the shared server on 4222 that other suites use), a
// three-node JetStream cluster, and the shared server itself, started if it is down.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteStream } from './stream-contents';

export const NATS_SERVER_BINARY = '/usr/sbin/nats-server';
/** The machine's shared server (see /work/shared/TOOLCHAIN.md). */
export const SHARED_NATS_URL = 'nats://127.0.0.1:4222';

/** A loopback port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Whether something accepts TCP connections on `port` now. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1');
  });
}

async function waitUntil(check: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${ms} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The shared server on 4222, started with the machine's command when it is down (as `.ci/run` does).
 * Tests on it use their own stream names and subjects and delete them afterwards.
 */
export async function ensureSharedNatsServer(): Promise<string> {
  if (!(await listening(4222))) {
    execFileSync('start-stop-daemon', [
      '--start',
      '--oknodo',
      '--background',
      '--exec',
      NATS_SERVER_BINARY,
      '--',
      ...[
        '-a',
        '127.0.0.1',
        '-p',
        '4222',
        '-js',
        '-sd',
        '/var/lib/nats-server',
        '-l',
        '/var/log/nats-server.log',
      ],
    ]);
    await waitUntil(() => listening(4222), 'the shared nats-server listens on 4222');
  }
  return SHARED_NATS_URL;
}

/**
 * For a test file on the shared server: its URL once `beforeAll` ran, and `track(stream)` to have a
 * stream deleted in `afterAll` (with every server of our own stopped).
 */
export function useSharedNatsServer(hooks: {
  beforeAll(fn: () => Promise<void>): void;
  afterAll(fn: () => Promise<void>): void;
}) {
  let url = '';
  const streams: string[] = [];
  hooks.beforeAll(async () => {
    url = await ensureSharedNatsServer();
  });
  hooks.afterAll(async () => {
    for (const stream of streams) await deleteStream(url, stream);
    await stopAllNatsServers();
  });
  return {
    url: () => url,
    track(stream: string): string {
      streams.push(stream);
      return stream;
    },
  };
}

/** Options of {@link startNatsServer}. */
export interface NatsServerOptions {
  /** Where JetStream keeps its files (kept across restarts). Default: a fresh temp directory. */
  readonly storeDir?: string;
  /** Require this user and password. */
  readonly auth?: { readonly user: string; readonly pass: string };
  /** The cluster this node joins. */
  readonly cluster?: { readonly name: string; readonly port: number; readonly routes: readonly number[] };
  /** `--server_name` (required for a JetStream cluster). */
  readonly serverName?: string;
  /** Client port. Default: a free one (kept across restarts). */
  readonly port?: number;
}

/** One nats-server process we own: stop it, start it again on the same port and store. */
export interface NatsServer {
  readonly port: number;
  readonly url: string;
  readonly name: string;
  readonly storeDir: string;
  /** Whether our process is running. */
  running(): boolean;
  /** Starts the process (again) and waits until it accepts clients. */
  start(): Promise<void>;
  /** Ends the process (`SIGKILL` by default: a crash) and waits until it is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const owned = new Set<NatsServer>();
const tempDirs: string[] = [];

/** A temp directory removed by {@link stopAllNatsServers}. */
export function tempDirectory(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `natsrelay-${label}-`));
  tempDirs.push(dir);
  return dir;
}

/** Starts a nats-server process of our own with JetStream on, and waits until it accepts clients. */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  const port = options.port ?? (await freePort());
  const storeDir = options.storeDir ?? tempDirectory('store');
  const name = options.serverName ?? `natsrelay-${port}`;
  const args = ['-a', '127.0.0.1', '-p', `${port}`, '-js', '-sd', storeDir, '--server_name', name];
  if (options.auth !== undefined) args.push('--user', options.auth.user, '--pass', options.auth.pass);
  if (options.cluster !== undefined) {
    const { name: cluster, port: clusterPort, routes } = options.cluster;
    args.push('--cluster_name', cluster, '--cluster', `nats://127.0.0.1:${clusterPort}`);
    args.push('--routes', routes.map((r) => `nats://127.0.0.1:${r}`).join(','));
  }
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const server: NatsServer = {
    port,
    url: `nats://127.0.0.1:${port}`,
    name,
    storeDir,
    running: () => child !== undefined,
    async start() {
      if (child !== undefined) return;
      const started = spawn(NATS_SERVER_BINARY, args, { stdio: 'ignore' });
      child = started;
      exited = new Promise((resolve) =>
        started.once('exit', () => {
          if (child === started) child = undefined;
          resolve();
        }),
      );
      await waitUntil(() => listening(port), `nats-server ${name} listens on ${port}`);
    },
    async stop(signal: NodeJS.Signals = 'SIGKILL') {
      child?.kill(signal);
      await exited;
    },
  };
  owned.add(server);
  await server.start();
  return server;
}

/** A three-node JetStream cluster on loopback, every node with its own store directory. */
export async function startNatsCluster(label: string): Promise<NatsServer[]> {
  const clusterPorts = [await freePort(), await freePort(), await freePort()];
  const nodes = clusterPorts.map((clusterPort, i) =>
    startNatsServer({
      serverName: `${label}-n${i + 1}`,
      cluster: { name: label, port: clusterPort, routes: clusterPorts.filter((p) => p !== clusterPort) },
    }),
  );
  return Promise.all(nodes);
}

/** Kills every server this file started and removes their directories. */
export async function stopAllNatsServers(): Promise<void> {
  await Promise.all([...owned].map((s) => s.stop('SIGKILL')));
  owned.clear();
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
