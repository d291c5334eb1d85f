import type { Io } from './output';

/**
 * An abort signal for a long-running command: aborted on Ctrl+C / SIGTERM and, with `endOfInput`,
 * when the input ends. `dispose()` removes the listeners and lets the input go, so the process exits.
 */
export function stopSignal(
  io: Io,
  options: { readonly endOfInput: boolean },
): {
  readonly signal: AbortSignal;
  dispose(): void;
} {
  const controller = new AbortController();
  const stop = () => controller.abort();
  const offInterrupt = io.onInterrupt?.(stop) ?? (() => {});
  const input = options.endOfInput ? io.input : undefined;
  if (input !== undefined) {
    input.on('end', stop);
    input.on('close', stop);
    input.resume();
  }
  return {
    signal: controller.signal,
    dispose() {
      offInterrupt();
      if (input !== undefined) {
        input.off('end', stop);
        input.off('close', stop);
        input.pause();
        (input as { destroy?: () => void }).destroy?.();
      }
    },
  };
}
