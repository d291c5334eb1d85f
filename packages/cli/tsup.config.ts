import { defineConfig } from 'tsup';
import { buildUi } from './src/inspector/ui-assets';

// ESM only: a command, plus `runCli` and `startInspector` for embedding; no CommonJS consumer needs it.
// The inspector's page is bundled next to the command (dist/ui/), so it works offline.
export default defineConfig({
  entry: ['src/index.ts', 'src/bin.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  target: 'node20',
  // Only the in-memory UI build from sources uses esbuild; the package ships dist/ui/ instead.
  external: ['esbuild'],
  onSuccess: async () => {
    await buildUi('dist/ui');
  },
});
