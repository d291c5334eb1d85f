import { describe, expect, it } from 'vitest';
import { findConformanceTest, runConformanceTests } from '../src';
import { brokenStores } from './support/broken-stores';

// The suite must be able to fail: each deliberately broken store fails the tests named for it.
describe('broken stores fail the conformance suite', () => {
  for (const broken of brokenStores) {
    it(`${broken.name} is caught`, { timeout: 60_000 }, async () => {
      const results = await runConformanceTests(broken.caughtBy.map(findConformanceTest), broken.options);
      for (const result of results) {
        expect(result.status, `'${broken.name}' should fail '${result.key}'`).toBe('failed');
        // A broken store fails an assertion about the contract, not a crash of the harness.
        expect(String(result.error)).not.toMatch(/TypeError|ReferenceError/);
      }
    });
  }
});
