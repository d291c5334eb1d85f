import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../errors';

// TypeScript the user points at is loaded through tsx's programmatic API (no build step, no loader
// flag); JavaScript is imported as it is.
const TYPESCRIPT = new Set(['.ts', '.mts', '.cts', '.tsx']);

/** A parsed `./path/to/module.ts#ExportName` (`#default` when no name is given). */
export interface ExportRef {
  readonly file: string;
  readonly exportName: string;
}

/** Parses `path#Export` relative to `cwd`. */
export function parseExportRef(text: string, option: string, cwd: string): ExportRef {
  const hash = text.lastIndexOf('#');
  const path = hash === -1 ? text : text.slice(0, hash);
  const exportName = hash === -1 ? 'default' : text.slice(hash + 1);
  if (path === '' || !/^[A-Za-z_$][\w$]*$/.test(exportName)) {
    throw new UsageError(`${option}: expected ./path/to/module.ts#ExportName, got "${text}"`);
  }
  return { file: resolve(cwd, path), exportName };
}

/**
 * Loads one export of the user's module (TypeScript through tsx, or JavaScript).
 *
 * @throws UsageError when the file is missing, fails to load, or has no such export
 */
export async function loadExport(ref: ExportRef, option: string): Promise<unknown> {
  if (!existsSync(ref.file)) throw new UsageError(`${option}: no file at ${ref.file}`);
  let loaded: Record<string, unknown>;
  try {
    if (TYPESCRIPT.has(extname(ref.file))) {
      const { tsImport } = await import('tsx/esm/api');
      loaded = (await tsImport(pathToFileURL(ref.file).href, import.meta.url)) as Record<string, unknown>;
    } else {
      loaded = (await import(pathToFileURL(ref.file).href)) as Record<string, unknown>;
    }
  } catch (error) {
    throw new UsageError(`${option}: ${ref.file} failed to load: ${(error as Error).message}`);
  }
  if (!(ref.exportName in loaded) || loaded[ref.exportName] === undefined) {
    const names = Object.keys(loaded).filter((name) => name !== '__esModule');
    throw new UsageError(
      `${option}: ${ref.file} has no export "${ref.exportName}" (it exports: ${names.join(', ') || 'nothing'})`,
    );
  }
  return loaded[ref.exportName];
}
