import type { CommandContext } from '../command-context';
import { withInspection } from '../open-store';
import { printJson } from '../output';
import { progressBar } from '../progress';

/**
 * `chronicle verify`: checks the store's integrity (see Inspection.verify) with a progress bar on
 * stderr. Exits 1 when anything is wrong, listing each finding.
 */
export async function verifyCommand({ target, io, json, colour }: CommandContext): Promise<number> {
  const bar = progressBar(io.err, 'verifying');
  let checked = 0;
  const findings = await withInspection(target, (inspection) =>
    inspection.verify((done, total) => {
      checked = done;
      bar.update(done, total);
    }),
  ).finally(() => bar.stop());
  if (json) {
    printJson(io, { ok: findings.length === 0, eventsChecked: checked, findings });
  } else if (findings.length === 0) {
    io.out.write(`${colour.green('ok')}: ${checked} events checked, no findings\n`);
  } else {
    io.out.write(
      `${colour.red(`${findings.length} finding${findings.length === 1 ? '' : 's'}`)} (${checked} events checked):\n`,
    );
    for (const f of findings) io.out.write(`  ${colour.red(f.check)}  ${f.message}\n`);
  }
  return findings.length === 0 ? 0 : 1;
}
