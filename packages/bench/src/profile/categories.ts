/**
 * Maps a V8 CPU profile's samples to cost categories (validation, id generation, serialisation,
 * driver, decoding, upcasting, …) by each sample's stack: its function names and source URLs.
 * The rules are heuristics on this repository's layout (workspace packages run from `src/` under
 * tsx); `pnpm bench profile` writes the raw `.cpuprofile` next to the summary, to check them.
 */

/** A `.cpuprofile` as V8's inspector returns it (the fields used here). */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string };
    readonly children?: readonly number[];
  }[];
  readonly samples: readonly number[];
  /** Microseconds since the previous sample, one per sample. */
  readonly timeDeltas: readonly number[];
}

/** The categories, in the order the summary prints them. */
export const CATEGORIES = [
  'validation',
  'id generation',
  'serialisation',
  'driver',
  'node I/O',
  'decoding',
  'upcasting',
  'aggregate fold',
  'adapter (other)',
  'core (other)',
  'baseline code',
  'harness',
  'gc',
  'waiting (server, fsync)',
  'engine (other)',
  // The profiler's own stop call: in the profile, outside the measured wall time, never printed.
  'profiler',
] as const;
/** One of {@link CATEGORIES}. */
export type Category = (typeof CATEGORIES)[number];

type Frame = { readonly functionName: string; readonly url: string };

/** better-sqlite3's statement and database methods: native, so their frames have no URL. */
const SQLITE_NATIVE = new Set(['run', 'all', 'get', 'iterate', 'exec', 'pragma', 'transaction']);

const under = (frame: Frame, ...parts: string[]) => parts.some((part) => frame.url.includes(part));

/** The category of one sample's stack, leaf first. */
export function categorise(stack: readonly Frame[]): Category {
  const leaf = stack[0]!;
  if (leaf.functionName === '(garbage collector)') return 'gc';
  if (leaf.functionName === '(idle)') return 'waiting (server, fsync)';
  if (leaf.functionName === '(program)' || leaf.functionName === '(root)') return 'engine (other)';
  if (stack.some((f) => under(f, 'node:inspector'))) return 'profiler';
  if (stack.some((f) => under(f, '/bench/src/payload'))) return 'harness';
  if (stack.some((f) => under(f, '/core/src/validation/'))) return 'validation';
  if (stack.some((f) => under(f, '/core/src/upcasting/') || /upcast/i.test(f.functionName)))
    return 'upcasting';
  if (leaf.functionName === 'randomUUID' || under(leaf, 'node:crypto', 'internal/crypto'))
    return 'id generation';
  if (leaf.functionName === 'stringify') return 'serialisation';
  if (leaf.functionName === 'parse' && leaf.url === '') return 'decoding';
  if (leaf.url === '' && SQLITE_NATIVE.has(leaf.functionName)) return 'driver';
  const frame = stack.find((f) => f.url !== '') ?? leaf;
  if (under(frame, '/node_modules/pg', '/pg-protocol/', '/pg-pool/', '/pg-types/', 'better-sqlite3'))
    return 'driver';
  if (under(frame, 'node:', 'internal/')) return 'node I/O';
  if (under(frame, '/core/src/adapter/decode', '/core/src/adapter/stored-values')) return 'decoding';
  if (under(frame, '/core/src/aggregate/', '/core/src/repository/', '/bench/src/account'))
    return 'aggregate fold';
  if (under(frame, '/packages/sqlite/src/', '/packages/postgres/src/')) return 'adapter (other)';
  if (under(frame, '/packages/core/src/')) return 'core (other)';
  if (under(frame, '/bench/src/subjects/') && !under(frame, 'chronicle-subject')) return 'baseline code';
  if (under(frame, '/bench/src/')) return 'harness';
  return 'engine (other)';
}

/** Self time per category, in microseconds, over the whole profile. */
export function summarise(profile: CpuProfile): Map<Category, number> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const categoryOf = new Map<number, Category>();
  const totals = new Map<Category, number>(CATEGORIES.map((c) => [c, 0]));
  profile.samples.forEach((id, i) => {
    let category = categoryOf.get(id);
    if (category === undefined) {
      const stack: Frame[] = [];
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at))
        stack.push(byId.get(at)!.callFrame);
      category = categorise(stack);
      categoryOf.set(id, category);
    }
    totals.set(category, totals.get(category)! + (profile.timeDeltas[i] ?? 0));
  });
  return totals;
}
