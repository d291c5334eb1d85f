import type { CommandContext } from '../command-context';
import { startInspector } from '../inspector/start-inspector';
import { stopSignal } from '../stop-signal';

/** Options of `chronicle inspect`. */
export interface InspectOptions {
  readonly port: number;
  /** `--host [address]`: bind another address than loopback (`--host` alone: every interface). */
  readonly host?: string | true | undefined;
  readonly allowWrites?: boolean | undefined;
  readonly aggregate?: readonly string[] | undefined;
  readonly upcasters?: string | undefined;
}

/**
 * `chronicle inspect`: serves the web inspector until Ctrl+C / SIGTERM, printing its URL on stdout
 * (`{"url": …}` under `--json`) once it is listening.
 */
export async function inspectCommand(context: CommandContext, options: InspectOptions): Promise<number> {
  const { target, io, json, colour } = context;
  const host = options.host === true ? '0.0.0.0' : (options.host ?? '127.0.0.1');
  const inspector = await startInspector({
    target,
    port: options.port,
    host,
    allowWrites: options.allowWrites === true,
    aggregates: options.aggregate ?? [],
    upcasters: options.upcasters,
    cwd: io.cwd ?? process.cwd(),
  });
  const stop = stopSignal(io, { endOfInput: false });
  try {
    if (json)
      io.out.write(`${JSON.stringify({ url: inspector.url, allowWrites: options.allowWrites === true })}\n`);
    else {
      io.out.write(`inspector: ${colour.bold(inspector.url)}\n`);
      io.err.write(
        colour.dim(
          `${options.allowWrites === true ? 'writes allowed (processor resets)' : 'read-only'}; Ctrl+C to stop\n`,
        ),
      );
    }
    if (!stop.signal.aborted) await new Promise((resolve) => stop.signal.addEventListener('abort', resolve));
  } finally {
    stop.dispose();
    await inspector.close();
  }
  return 0;
}
