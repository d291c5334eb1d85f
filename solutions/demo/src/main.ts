// `pnpm demo`: the lesson's story on the embedded SQLite store, in a file you can open afterwards.
import { demoDatabasePath, removeDatabase, shellQuote } from './paths';
import { tellStory } from './story';

const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
const sgr = (open: number, close: number) => (text: string) =>
  color ? `\u001b[${open}m${text}\u001b[${close}m` : text;
const out = { line: (text = '') => console.log(text), heading: sgr(1, 22), dim: sgr(2, 22) };

try {
  const started = performance.now();
  const filename = demoDatabasePath(process.argv.slice(2), process.env);
  removeDatabase(filename);
  out.line(out.heading('Chronicle demo: the event-store lesson, told on SQLite'));
  out.line(out.dim(`Database file: ${filename} (created afresh on every run)`));
  out.line();
  await tellStory(filename, out);
  const file = shellQuote(filename);
  out.line();
  out.line(
    `Done in ${((performance.now() - started) / 1000).toFixed(1)} s. The story is in ${filename}; look inside with sqlite3 (or any SQLite viewer):`,
  );
  out.line(
    `  sqlite3 ${file} "SELECT position, aggregate_type, aggregate_id, version, event_type, schema_version, event_data FROM events ORDER BY position;"`,
  );
  out.line(`  sqlite3 ${file} "SELECT aggregate_type, aggregate_id, version, state FROM snapshots;"`);
  out.line(`Or browse it in the web inspector: pnpm workshop inspect --db ${file}`);
} catch (error) {
  console.error(`demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
}
