import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

const KINDS = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];

/**
 * Finished spans as a text tree, one tree per trace in the order the traces began: each span's
 * name, kind, the attributes listed in `shown` that it has, and its links (by the linked span's
 * name). Ids and durations are left out, so the same run renders the same text every time.
 */
export function renderTraces(spans: readonly ReadableSpan[], shown: readonly string[]): string {
  const byId = new Map(spans.map((span) => [span.spanContext().spanId, span]));
  const children = new Map<string | undefined, ReadableSpan[]>();
  for (const span of spans) {
    const parent = span.parentSpanContext?.spanId;
    const key = parent !== undefined && byId.has(parent) ? parent : undefined;
    children.set(key, [...(children.get(key) ?? []), span]);
  }
  const started = (span: ReadableSpan) => span.startTime[0] * 1e9 + span.startTime[1];
  for (const list of children.values()) list.sort((a, b) => started(a) - started(b));
  const lines: string[] = [];
  const describe = (span: ReadableSpan) => {
    const attributes = shown
      .filter((key) => span.attributes[key] !== undefined)
      .map((key) => `${key}=${String(span.attributes[key])}`);
    const links = span.links.map(
      (link) => `→ ${byId.get(link.context.spanId)?.name ?? 'a span of another trace'}`,
    );
    return [
      span.name,
      `[${KINDS[span.kind]}]`,
      ...attributes,
      ...(links.length > 0 ? [`links: ${links.join(', ')}`] : []),
    ].join(' ');
  };
  const walk = (span: ReadableSpan, prefix: string, last: boolean, root: boolean) => {
    lines.push(root ? describe(span) : `${prefix}${last ? '└─ ' : '├─ '}${describe(span)}`);
    const below = children.get(span.spanContext().spanId) ?? [];
    const childPrefix = root ? '' : `${prefix}${last ? '   ' : '│  '}`;
    for (const [i, child] of below.entries()) walk(child, childPrefix, i === below.length - 1, false);
  };
  (children.get(undefined) ?? []).forEach((root, i) => {
    if (i > 0) lines.push('');
    lines.push(`trace ${i + 1}`);
    walk(root, '', true, true);
  });
  return lines.join('\n');
}
