import { type Upcaster, UpcasterPipeline } from '@chronicle/core';
import { UsageError } from '../errors';
import { loadExport, parseExportRef } from './load-export';

/**
 * Loads `--upcasters ./path.ts#Export`: the application's array of upcasters, so events are read as
 * the application reads them. (An array rather than an `UpcasterPipeline`: the user's module may load
 * another copy of `@chronicle/core` than the command, and a class does not cross copies.)
 *
 * @throws UsageError when the export is not a valid array of upcasters
 */
export async function loadUpcasters(
  text: string | undefined,
  cwd: string,
): Promise<UpcasterPipeline | undefined> {
  if (text === undefined) return undefined;
  const value = await loadExport(parseExportRef(text, '--upcasters', cwd), '--upcasters');
  if (!Array.isArray(value)) throw new UsageError('--upcasters: expected an array of upcasters');
  try {
    return new UpcasterPipeline(value as Upcaster[]);
  } catch (error) {
    throw new UsageError(`--upcasters: ${(error as Error).message}`);
  }
}
