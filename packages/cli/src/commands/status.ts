import type { CommandContext } from '../command-context';
import { withInspection } from '../open-store';
import { bytes, printJson, table } from '../output';

/** `chronicle status`: counts, head position, size, schema version, and what holds the read horizon. */
export async function statusCommand({ target, io, json, colour }: CommandContext): Promise<number> {
  const status = await withInspection(target, (inspection) => inspection.status());
  if (json) {
    printJson(io, status);
    return 0;
  }
  const lines = [
    ['store', `${status.adapter} ${status.location}`],
    ['schema version', String(status.schemaVersion)],
    ['events', String(status.events)],
    ['streams', String(status.streams)],
    ['head position', status.headPosition ?? '(empty log)'],
    ['size on disk', bytes(status.sizeBytes)],
  ];
  io.out.write(`${table(lines)}\n`);
  if (status.horizonHolders !== undefined) {
    if (status.horizonHolders.length === 0) {
      io.out.write('read horizon  free (no open transaction holds it)\n');
    } else {
      io.out.write(`${colour.yellow('read horizon held by')}:\n`);
      io.out.write(
        `${table([
          ['pid', 'state', 'xact_start', 'xid', 'xmin', 'database', 'query'],
          ...status.horizonHolders.map((h) => [
            String(h.pid),
            h.state ?? '',
            h.xactStart ?? '',
            h.backendXid ?? '',
            h.backendXmin ?? '',
            h.database ?? '',
            (h.query ?? '').replace(/\s+/g, ' '),
          ]),
        ])}\n`,
      );
    }
  }
  return 0;
}
