import { once } from 'node:events';
import { UsageError } from '../errors';
import { loadExport, parseExportRef } from '../model/load-export';
import { loadUpcasters } from '../model/load-upcasters';
import { type StateModel, toStateModel } from '../model/state-at-version';
import { isSubscribable, openInspection, openStore } from '../open-store';
import type { StoreTarget } from '../target';
import { createInspectorServer, serverUrl } from './http-server';
import { inspectorApi } from './inspector-api';
import { loadUi } from './ui-assets';

/** Options of {@link startInspector}. */
export interface InspectorOptions {
  readonly target: StoreTarget;
  /** TCP port; `0` (default) picks a free one. */
  readonly port?: number;
  /** Address to bind. Default `127.0.0.1`: reachable from this machine only. */
  readonly host?: string;
  /** Allow processor resets from the UI. Default `false`: read-only. */
  readonly allowWrites?: boolean;
  /** `Type=./module.ts#Export` models for "state at version", by aggregate type. */
  readonly aggregates?: readonly string[];
  /** `./module.ts#Export`: the application's upcasters (an array). */
  readonly upcasters?: string | undefined;
  /** Where relative module paths start. Default: `process.cwd()`. */
  readonly cwd?: string;
}

/** A running inspector. */
export interface RunningInspector {
  /** Where it answers, e.g. `http://127.0.0.1:4849/`. */
  readonly url: string;
  /** Stops serving and closes the store. */
  close(): Promise<void>;
}

/**
 * Starts the web inspector on a store: opens it (read-only unless `allowWrites`), loads the UI and the
 * user's models, and serves on `host:port`.
 *
 * @example
 * ```ts
 * const inspector = await startInspector({ target: parseTarget('./app.db', undefined) });
 * console.log(`open ${inspector.url}`);
 * ```
 */
export async function startInspector(options: InspectorOptions): Promise<RunningInspector> {
  const cwd = options.cwd ?? process.cwd();
  const allowWrites = options.allowWrites === true;
  const host = options.host ?? '127.0.0.1';
  const models = await loadModels(options.aggregates ?? [], cwd);
  const upcasters = await loadUpcasters(options.upcasters, cwd);
  const opened = await openStore(options.target, { access: allowWrites ? 'write' : 'read', upcasters });
  const inspection = await openInspection(options.target).catch(async (error: unknown) => {
    await opened.close();
    throw error;
  });
  const closeStores = async () => {
    await inspection.close();
    await opened.close();
  };
  try {
    const server = createInspectorServer({
      api: inspectorApi({ inspection, store: opened.store, models, upcasters, allowWrites }),
      ui: await loadUi(),
      live: isSubscribable(opened.store) ? opened.store : undefined,
      loopbackOnly: host === '127.0.0.1' || host === 'localhost' || host === '::1',
    });
    server.listen(options.port ?? 0, host);
    await Promise.race([
      once(server, 'listening'),
      once(server, 'error').then(([error]) => {
        throw new UsageError(`cannot listen on ${host}:${options.port ?? 0}: ${(error as Error).message}`);
      }),
    ]);
    return {
      url: serverUrl(server, host),
      async close() {
        await server.closeAll();
        await closeStores();
      },
    };
  } catch (error) {
    await closeStores();
    throw error;
  }
}

async function loadModels(specs: readonly string[], cwd: string): Promise<Map<string, StateModel>> {
  const models = new Map<string, StateModel>();
  for (const spec of specs) {
    const equals = spec.indexOf('=');
    if (equals <= 0) throw new UsageError(`--aggregate: expected Type=./module.ts#Export, got "${spec}"`);
    const type = spec.slice(0, equals);
    const value = await loadExport(parseExportRef(spec.slice(equals + 1), '--aggregate', cwd), '--aggregate');
    models.set(type, toStateModel(value, '--aggregate'));
  }
  return models;
}
