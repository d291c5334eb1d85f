import { defineConfig } from 'vitest/config';

// One project per workspace package; each package has its own vitest.config.ts (defineProject).
// Exercises are not listed: their untouched stubs fail by design (CI proves that separately).
export default defineConfig({
  test: {
    projects: ['packages/*', 'solutions/*', 'scripts'],
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
