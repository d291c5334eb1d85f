// Writes the first TypeScript block under "Quick start" of each package README to
// <out>/quick-start-<package>.ts, so CI compiles what the READMEs tell users to paste.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [packagesDir, out] = process.argv.slice(2);
for (const name of readdirSync(packagesDir)) {
  const readme = join(packagesDir, name, 'README.md');
  if (!existsSync(readme)) continue;
  const text = readFileSync(readme, 'utf8');
  const section = text.split(/^## /m).find((s) => /^quick start/i.test(s));
  const block = section?.match(/```ts\n([\s\S]*?)```/);
  if (!block) continue;
  writeFileSync(join(out, `quick-start-${name}.ts`), `export {};\n${block[1]}`);
  console.log(`extracted the quick start of packages/${name}/README.md`);
}
