import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The UI's files by URL path (`/`, `/app.js`, `/app.css`), with their content types. */
export type UiAssets = ReadonlyMap<string, { readonly type: string; readonly body: Buffer }>;

const TYPES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

/** Where the UI's sources are (in the repository; a published package has only the built `ui/`). */
export const UI_SOURCE_DIR = fileURLToPath(new URL('./ui/', import.meta.url));

/**
 * Bundles the UI (plain TypeScript and DOM, uPlot for the lag chart) into `index.html`, `app.js` and
 * `app.css`: everything local, nothing from a CDN, so the inspector works offline. The package build
 * writes the result to `dist/ui/`; from sources (tests, `pnpm workshop inspect`) it is built in memory.
 */
export async function buildUi(outdir?: string): Promise<UiAssets> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: { app: `${UI_SOURCE_DIR}main.ts` },
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    outdir: outdir ?? '/ui',
    write: outdir !== undefined,
    loader: { '.css': 'css' },
    logLevel: 'silent',
  });
  if (outdir !== undefined) copyFileSync(`${UI_SOURCE_DIR}index.html`, `${outdir}/index.html`);
  const assets = new Map<string, { type: string; body: Buffer }>();
  assets.set('/', { type: TYPES['index.html']!, body: readFileSync(`${UI_SOURCE_DIR}index.html`) });
  for (const file of result.outputFiles ?? []) {
    const name = file.path.slice(file.path.lastIndexOf('/') + 1);
    assets.set(`/${name}`, {
      type: TYPES[name] ?? 'application/octet-stream',
      body: Buffer.from(file.contents),
    });
  }
  return assets;
}

/** The built UI next to this module (`dist/ui/`), else a fresh in-memory build of the sources. */
export async function loadUi(): Promise<UiAssets> {
  const built = fileURLToPath(new URL('./ui/', import.meta.url));
  if (existsSync(`${built}app.js`)) {
    const assets = new Map<string, { type: string; body: Buffer }>();
    for (const [name, type] of Object.entries(TYPES)) {
      assets.set(name === 'index.html' ? '/' : `/${name}`, { type, body: readFileSync(`${built}${name}`) });
    }
    return assets;
  }
  return buildUi();
}
