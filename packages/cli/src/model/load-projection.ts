import type { AnyProjectionDefinition } from '@chronicle/core';
import { UsageError } from '../errors';
import { loadExport, parseExportRef } from './load-export';

/**
 * Loads the projection definition `--projection ./path.ts#Export` points at.
 *
 * Recognised by shape, not by class: the user's module may load another copy of `@chronicle/core`.
 *
 * @throws UsageError when the module or export is missing, or the export is not a `defineProjection` result
 */
export async function loadProjection(text: string, cwd: string): Promise<AnyProjectionDefinition> {
  const value = await loadExport(parseExportRef(text, '--projection', cwd), '--projection');
  const d = value as Partial<AnyProjectionDefinition> | null;
  if (
    typeof d !== 'object' ||
    d === null ||
    typeof d.name !== 'string' ||
    typeof d.version !== 'number' ||
    !Array.isArray(d.eventTypes) ||
    typeof d.handlers !== 'object'
  ) {
    throw new UsageError(
      '--projection: expected a projection definition (the result of defineProjection({ name, version, handlers }))',
    );
  }
  return d as AnyProjectionDefinition;
}
