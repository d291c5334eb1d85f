import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    // The runner finds vitest relative to its own file (import.meta.url), which CJS lacks.
    shims: true,
    target: 'node20',
  },
  {
    // The `chronicle-workshop` bin: ESM only; tsup keeps the shebang and marks the file executable.
    entry: ['src/cli.ts'],
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
  },
]);
