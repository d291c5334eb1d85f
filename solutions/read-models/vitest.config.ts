import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

// The very test files of exercises/read-models, with `#exercise/<module>` pointing at this package's src/.
const src = fileURLToPath(new URL('./src/', import.meta.url));

export default defineProject({
  resolve: {
    alias: [{ find: /^#exercise\/(.*)$/, replacement: `${src}$1` }],
  },
  test: {
    name: 'solution-read-models',
    include: ['../../exercises/read-models/test/**/*.test.ts'],
    env: { CHRONICLE_EXERCISE_SRC: src },
    testTimeout: 20_000,
  },
});
