/**
 * Readable failure messages for specifications: events rendered one field per line with keys in a
 * stable order, and a line diff of expected against actual (`-` expected, `+` actual).
 */

/** A value as canonical, indented JSON: object keys sorted, so equal data renders equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), replacer, 2) ?? String(value);
}

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return `${value}n`;
  if (value === undefined) return '<undefined>';
  return value;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'object' || value === null) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort())
    sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}

/** What an event is compared on: its type and its data. Ids, versions and times are the kit's business. */
export interface ComparedEvent {
  readonly eventType: string;
  readonly eventData: unknown;
}

/** The events as compared: type and data only, in order. */
export const compared = (events: readonly ComparedEvent[]): ComparedEvent[] =>
  events.map(({ eventType, eventData }) => ({ eventType, eventData }));

/** Events as text, one `Type { …data… }` block per event, numbered. */
export function renderEvents(events: readonly ComparedEvent[]): string[] {
  if (events.length === 0) return ['(no events)'];
  return events.flatMap((event, i) => {
    const [first = '', ...rest] = canonicalJson(event.eventData).split('\n');
    return [`${i + 1}. ${event.eventType} ${first}`, ...rest.map((line) => `   ${line}`)];
  });
}

/**
 * A line diff (longest common subsequence): unchanged lines indented, expected-only lines with `-`,
 * actual-only lines with `+`. Events are short, so the quadratic table is fine.
 */
export function lineDiff(expected: readonly string[], actual: readonly string[]): string[] {
  const rows = expected.length;
  const cols = actual.length;
  const table: number[][] = Array.from({ length: rows + 1 }, () => new Array<number>(cols + 1).fill(0));
  for (let i = rows - 1; i >= 0; i--) {
    for (let j = cols - 1; j >= 0; j--) {
      const row = table[i] as number[];
      const below = table[i + 1] as number[];
      row[j] =
        expected[i] === actual[j]
          ? (below[j + 1] as number) + 1
          : Math.max(below[j] as number, row[j + 1] as number);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < rows || j < cols) {
    if (i < rows && j < cols && expected[i] === actual[j]) {
      out.push(`  ${expected[i++]}`);
      j++;
    } else if (i < rows && (j === cols || (table[i + 1]?.[j] ?? 0) >= (table[i]?.[j + 1] ?? 0))) {
      out.push(`- ${expected[i++]}`);
    } else {
      out.push(`+ ${actual[j++]}`);
    }
  }
  return out;
}

/** An error as one line: `Name [CODE]: message`. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return `a non-error value: ${canonicalJson(error)}`;
  const code = (error as { code?: unknown }).code;
  return `${error.name}${typeof code === 'string' ? ` [${code}]` : ''}: ${error.message}`;
}
