import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
  },
  {
    // The migrate CLI (`bin: chronicle-pg-migrate`); tsup keeps its `#!/usr/bin/env node` line.
    entry: { 'cli/migrate-cli': 'src/cli/migrate-cli.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
  },
]);
