import { createRequire } from 'node:module';

/** The part of `@opentelemetry/api` Chronicle uses. */
export type OtelApi = typeof import('@opentelemetry/api');

let loaded: OtelApi | null | undefined;
let enabled = true;

/**
 * `@opentelemetry/api`, or `undefined` when the application has not installed it (it is an optional
 * peer dependency) or instrumentation is switched off.
 *
 * Loaded synchronously on first use with `require`, never at import: a static `import` would make the
 * package fail to load without the API, and a dynamic `import()` would leave the first operations
 * untraced (and make every instrumented call wait on a promise). `createRequire(import.meta.url)`
 * works in both builds (tsup's shims give the CommonJS build an `import.meta.url`); a bare `require`
 * would not: the bundler turns it into a stub that throws in the ESM build. A copy of the API loaded this way still sees the
 * application's providers: the API keeps them in one process-wide registry shared by its copies.
 */
export function otelApi(): OtelApi | undefined {
  if (!enabled) return undefined;
  if (loaded === undefined) loaded = loadOptional();
  return loaded ?? undefined;
}

function loadOptional(): OtelApi | null {
  try {
    return createRequire(import.meta.url)('@opentelemetry/api') as OtelApi;
  } catch {
    return null;
  }
}

/**
 * Switches Chronicle's instrumentation off (or back on) for stores, processors and repositories
 * created afterwards, as if `@opentelemetry/api` were not installed. For the benchmark that measures
 * what the instrumentation costs without a provider; applications turn telemetry off by not
 * registering a provider.
 *
 * @internal
 */
export function setInstrumentationEnabled(on: boolean): void {
  enabled = on;
}
