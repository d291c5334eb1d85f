import { RelayConfigurationError } from '@chronicle/core/relay';
import type { JetStreamManager, StreamConfig } from '@nats-io/jetstream';
import type { ResolvedJetStreamOptions } from './jetstream-options';
import { filterCovers } from './subjects';

const NANOS_PER_MS = 1_000_000;
const DEFAULT_DUPLICATE_WINDOW_MS = 120_000;

const isStreamNotFound = (error: unknown) =>
  (error as { code?: unknown; api_error?: { err_code?: unknown } })?.code === 10059 ||
  (error as { name?: unknown })?.name === 'StreamNotFoundError';

/**
 * Makes sure the stream exists as the options describe: creates it when `stream.create` is set and
 * it is missing; otherwise reads it and compares each setting the options give. When the relay uses
 * the default subjects, the stream must also capture `<subjectPrefix>.>`.
 *
 * @throws RelayConfigurationError naming the first setting the existing stream contradicts
 */
export async function ensureStream(jsm: JetStreamManager, o: ResolvedJetStreamOptions): Promise<void> {
  const wanted = o.stream;
  let existing: StreamConfig;
  try {
    existing = (await jsm.streams.info(wanted.name)).config;
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
    if (wanted.create !== true) {
      throw new RelayConfigurationError(
        'nats',
        'stream.name',
        `the JetStream stream '${wanted.name}' does not exist: create it (nats stream add) or set stream.create: true`,
        { cause: error },
      );
    }
    const created = await jsm.streams.add({
      name: wanted.name,
      subjects: [...(wanted.subjects ?? [`${o.subjectPrefix}.>`])],
      storage: (wanted.storage ?? 'file') as StreamConfig['storage'],
      num_replicas: wanted.replicas ?? 1,
      duplicate_window: (wanted.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS) * NANOS_PER_MS,
    });
    existing = created.config;
  }
  verifyStream(existing, o);
}

/** Compares an existing stream's configuration with the options (see {@link ensureStream}). */
export function verifyStream(existing: StreamConfig, o: ResolvedJetStreamOptions): void {
  const wanted = o.stream;
  const conflict = (setting: string, has: string, asked: string) =>
    new RelayConfigurationError(
      'nats',
      `stream.${setting}`,
      `the existing stream '${wanted.name}' has ${has}, the options ask for ${asked}: change the option, or update the stream (nats stream edit)`,
    );
  const subjects = existing.subjects ?? [];
  if (wanted.subjects !== undefined && !sameSet(subjects, wanted.subjects)) {
    throw conflict('subjects', `subjects ${JSON.stringify(subjects)}`, JSON.stringify(wanted.subjects));
  }
  if (wanted.storage !== undefined && existing.storage !== wanted.storage) {
    throw conflict('storage', `${existing.storage} storage`, `${wanted.storage}`);
  }
  if (wanted.replicas !== undefined && existing.num_replicas !== wanted.replicas) {
    throw conflict('replicas', `${existing.num_replicas} replica(s)`, `${wanted.replicas}`);
  }
  const windowMs = Math.round((existing.duplicate_window ?? 0) / NANOS_PER_MS);
  if (wanted.duplicateWindowMs !== undefined && windowMs !== wanted.duplicateWindowMs) {
    throw conflict(
      'duplicateWindowMs',
      `a ${windowMs} ms duplicate window`,
      `${wanted.duplicateWindowMs} ms`,
    );
  }
  const pattern = `${o.subjectPrefix}.>`;
  if (o.subject === undefined && !subjects.some((filter) => filterCovers(filter, pattern))) {
    throw new RelayConfigurationError(
      'nats',
      'subjectPrefix',
      `the stream '${wanted.name}' captures ${JSON.stringify(subjects)}, not the relay's subjects '${pattern}': add '${pattern}' to the stream or change subjectPrefix`,
    );
  }
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x) => b.includes(x));
