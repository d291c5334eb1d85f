/**
 * `pnpm bench profile`: V8 CPU profiles of an append loop and of a replay on each target, and a
 * per-event cost table by category (see `categories.ts`). The profiler is V8's own, driven through
 * `node:inspector` around the measured loop only, so start-up, seeding and warm-up stay out; the
 * `.cpuprofile` files are written for DevTools or speedscope.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeEvents } from '../payload';
import { markdownTable } from '../report/table';
import { TARGET_NAMES, type TargetName } from '../subject';
import { createFactory, type StorageSettings } from '../subjects/index';
import { verifyAccount } from '../workloads/reads';
import { seedStream } from '../workloads/seed';
import { CATEGORIES, type Category, type CpuProfile, summarise } from './categories';

export const PROFILE_USAGE = `pnpm bench profile [options]

  --adapters a,b   targets to profile (default: sqlite, sqlite-floor, postgres, postgres-floor)
  --appends n      appends of 100 events each, to new streams, profiled (default 200)
  --replays n      full replays of a 10,000-event stream, profiled (default 10)
  --out-dir dir    where the .cpuprofile files go (default: profiles/ in the bench package)`;

/** Sampling interval in microseconds: fine enough for a per-event split of 10-µs costs. */
const SAMPLING_INTERVAL_US = 200;
const APPEND_BATCH = 100;
const REPLAY_EVENTS = 10_000;

/** One target's profile of one loop: microseconds of self time per event, by category. */
export interface ProfileSummary {
  readonly target: TargetName;
  readonly loop: 'append' | 'replay';
  readonly events: number;
  readonly wallUsPerEvent: number;
  readonly usPerEvent: Map<Category, number>;
}

interface ProfileOptions {
  readonly targets: TargetName[];
  readonly appends: number;
  readonly replays: number;
  readonly outDir: string;
}

/** Parses `profile`'s arguments; throws with a readable message on anything unknown. */
export function parseProfileCli(argv: readonly string[], defaultOutDir: string): ProfileOptions {
  const { values } = parseArgs({
    args: argv.filter((arg) => arg !== '--'),
    options: {
      adapters: { type: 'string', default: 'sqlite,sqlite-floor,postgres,postgres-floor' },
      appends: { type: 'string', default: '200' },
      replays: { type: 'string', default: '10' },
      'out-dir': { type: 'string', default: defaultOutDir },
    },
    strict: true,
  });
  const targets = values.adapters.split(',').map((t) => t.trim());
  for (const t of targets)
    if (!TARGET_NAMES.includes(t as TargetName))
      throw new Error(`unknown adapter '${t}': use ${TARGET_NAMES.join(', ')}`);
  const count = (name: string, value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${value}`);
    return n;
  };
  return {
    targets: targets as TargetName[],
    appends: count('appends', values.appends),
    replays: count('replays', values.replays),
    outDir: values['out-dir'],
  };
}

/** Runs `body` under the V8 profiler and returns the profile. */
async function profiled(session: Session, body: () => Promise<void>): Promise<CpuProfile> {
  await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
  await session.post('Profiler.start');
  try {
    await body();
  } catch (error) {
    await session.post('Profiler.stop');
    throw error;
  }
  const { profile } = await session.post('Profiler.stop');
  return profile as unknown as CpuProfile;
}

/** Profiles the append loop and the replay of each target; writes the `.cpuprofile` files. */
export async function runProfiles(
  options: ProfileOptions,
  storage: StorageSettings,
  log: (line: string) => void,
): Promise<ProfileSummary[]> {
  mkdirSync(options.outDir, { recursive: true });
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  const summaries: ProfileSummary[] = [];
  try {
    for (const target of options.targets) {
      const factory = createFactory(target, storage);
      const subject = await factory.open();
      try {
        // Warm-up (JIT, statement caches, pool), then the replayed stream; the profiled events are
        // built before the profiler starts, so making them is not in the profile.
        for (let i = 0; i < 20; i++)
          await subject.append(`warm-${i}`, 0, makeEvents(`warm-${i}`, 0, APPEND_BATCH));
        await seedStream(subject, 'replay', REPLAY_EVENTS, 1000);
        verifyAccount(await subject.loadAccount('replay'), 'replay', REPLAY_EVENTS);
        const batches = Array.from({ length: options.appends }, (_, i) =>
          makeEvents(`p-${i}`, 0, APPEND_BATCH),
        );
        const loops = [
          {
            loop: 'append' as const,
            events: options.appends * APPEND_BATCH,
            body: async () => {
              for (let i = 0; i < batches.length; i++) await subject.append(`p-${i}`, 0, batches[i]!);
            },
          },
          {
            loop: 'replay' as const,
            events: options.replays * REPLAY_EVENTS,
            body: async () => {
              for (let r = 0; r < options.replays; r++)
                verifyAccount(await subject.loadAccount('replay'), 'replay', REPLAY_EVENTS);
            },
          },
        ];
        for (const { loop, events, body } of loops) {
          let wallUs = 0;
          const profile = await profiled(session, async () => {
            const t0 = performance.now();
            await body();
            wallUs = (performance.now() - t0) * 1000;
          });
          const file = join(options.outDir, `${target}-${loop}.cpuprofile`);
          writeFileSync(file, JSON.stringify(profile));
          const usPerEvent = new Map<Category, number>();
          for (const [category, us] of summarise(profile)) usPerEvent.set(category, us / events);
          summaries.push({ target, loop, events, wallUsPerEvent: wallUs / events, usPerEvent });
          log(`${target} ${loop}: ${(wallUs / events).toFixed(2)} µs/event wall, profile ${file}`);
        }
      } finally {
        await subject.close();
        await factory.dispose();
      }
    }
  } finally {
    session.disconnect();
  }
  return summaries;
}

/** One Markdown table per loop: categories down, targets across, µs of self time per event. */
export function renderProfiles(summaries: readonly ProfileSummary[]): string {
  const tables: string[] = [];
  for (const loop of ['append', 'replay'] as const) {
    const of = summaries.filter((s) => s.loop === loop);
    if (of.length === 0) continue;
    const cell = (us: number) => (us < 0.005 ? '·' : us.toFixed(2));
    const lines = CATEGORIES.filter(
      (c) => c !== 'profiler' && of.some((s) => (s.usPerEvent.get(c) ?? 0) >= 0.005),
    ).map((c) => [c, ...of.map((s) => cell(s.usPerEvent.get(c) ?? 0))]);
    lines.push(['**total (wall)**', ...of.map((s) => s.wallUsPerEvent.toFixed(2))]);
    const title =
      loop === 'append'
        ? `append, ${APPEND_BATCH}-event appends (µs per event)`
        : `replay of a ${REPLAY_EVENTS.toLocaleString('en-US')}-event stream (µs per event)`;
    tables.push(markdownTable([title, ...of.map((s) => s.target)], lines));
  }
  return tables.join('\n\n');
}
