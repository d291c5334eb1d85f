import type { ProgressSink } from './inspect/inspection';

/**
 * A one-line progress bar on stderr (done/total, rate, ETA), drawn only when stderr is a terminal so
 * that logs and pipes get no carriage-return noise. Redraws at most ten times a second.
 */
export function progressBar(
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
  label: string,
): { readonly update: ProgressSink; stop(): void } {
  if (stream.isTTY !== true) return { update: () => {}, stop: () => {} };
  const started = Date.now();
  let drawn = 0;
  const draw = (done: number, total: number) => {
    const elapsed = (Date.now() - started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = rate > 0 ? Math.ceil((total - done) / rate) : 0;
    const width = 24;
    const filled = total > 0 ? Math.round((done / total) * width) : width;
    const line = `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${Math.round(rate)}/s ETA ${eta}s`;
    stream.write(`\r${line.slice(0, (stream.columns ?? 80) - 1)}`);
  };
  return {
    update(done, total) {
      const now = Date.now();
      if (now - drawn < 100 && done < total) return;
      drawn = now;
      draw(done, total);
    },
    stop() {
      stream.write('\r\x1b[K');
    },
  };
}
