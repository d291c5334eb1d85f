import pc from 'picocolors';

/** Where a command writes: results to `out` (stdout, clean for pipes), everything else to `err`. */
export interface Io {
  readonly out: NodeJS.WritableStream & { isTTY?: boolean };
  readonly err: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  /** Where relative paths (`--aggregate`, `--handler`) start. Default: `process.cwd()`. */
  readonly cwd?: string;
  /** The command's input: `events --follow` ends when it ends (Ctrl+D, a closed pipe). */
  readonly input?: NodeJS.ReadableStream;
  /**
   * Calls `listener` when the user asks the run to end (Ctrl+C, SIGTERM); returns the un-registration.
   * Long-running commands (`events --follow`, `inspect`) stop cleanly on it.
   */
  readonly onInterrupt?: (listener: () => void) => () => void;
}

/** Colour only on a terminal, never with NO_COLOR set (https://no-color.org) or `--no-color`. */
export function colours(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, enabled = true) {
  const on = enabled && stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '');
  return pc.createColors(on);
}

/** Prints a value as one JSON document (bigint-safe) followed by a newline. */
export function printJson(io: Io, value: unknown): void {
  io.out.write(`${JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
}

/** Left-aligned columns, for humans; scripts use `--json`. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '))
    .join('\n');
}

/** 1536 → "1.5 KiB". */
export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
}
