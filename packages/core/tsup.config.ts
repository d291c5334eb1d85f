import { defineConfig } from 'tsup';

export default defineConfig({
  // One entry per subpath export: `@chronicle/core` and `@chronicle/core/adapter`.
  entry: { index: 'src/index.ts', adapter: 'src/adapter/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // Shared chunks in both formats: one copy of each error class, so `instanceof` holds across entries.
  splitting: true,
});
