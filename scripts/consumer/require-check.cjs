// CommonJS consumers: every package with a CommonJS build loads with require() and exposes its factory.
// (@chronicle/conformance is ESM-only: the vitest it drives cannot be required.)
const checks = {
  '@chronicle/core': 'createInMemoryEventStore',
  '@chronicle/core/testing': 'deciderSpecification',
  '@chronicle/sqlite': 'createSqliteEventStore',
  '@chronicle/postgres': 'createPostgresEventStore',
};
for (const [name, member] of Object.entries(checks)) {
  if (typeof require(name)[member] !== 'function')
    throw new Error(`${name} has no ${member} under require()`);
  console.log(`ok require('${name}').${member}`);
}
