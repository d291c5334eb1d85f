import { defineConfig } from 'tsup';

export default defineConfig({
  // One entry per subpath export: `@chronicle/core`, `@chronicle/core/adapter`, `@chronicle/core/testing`, `@chronicle/core/relay`.
  entry: {
    index: 'src/index.ts',
    adapter: 'src/adapter/index.ts',
    testing: 'src/testing/index.ts',
    relay: 'src/relay/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // Shared chunks in both formats: one copy of each error class, so `instanceof` holds across entries.
  splitting: true,
  // The optional OpenTelemetry API is loaded with createRequire(import.meta.url): CJS needs the shim.
  shims: true,
});
