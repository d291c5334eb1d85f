import { defineConfig } from 'tsup';

// ESM only: a command, plus `runCli` for embedding; no CommonJS consumer needs it.
export default defineConfig({
  entry: ['src/index.ts', 'src/bin.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  target: 'node20',
});
