import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

// Tests import the learner's code as `#exercise/<module>`: here that is this package's src/. The
// solution package points the same alias at its own src/ and runs these very test files.
const src = fileURLToPath(new URL('./src/', import.meta.url));

export default defineProject({
  resolve: {
    alias: [{ find: /^#exercise\/(.*)$/, replacement: `${src}$1` }],
  },
  test: {
    name: 'exercise-read-models',
    include: ['test/**/*.test.ts'],
    // Child processes of the concurrency tests load the learner's modules from here.
    env: { CHRONICLE_EXERCISE_SRC: src },
    testTimeout: 20_000,
  },
});
