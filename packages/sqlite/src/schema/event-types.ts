import type { EventTypeDefinition } from '@chronicle/core';
import type { Statements } from '../sql/statements';
import type { SqliteDatabase } from '../sqlite-driver';

/**
 * Keeps the registry's definitions in the `event_types` table: inserts new ones and updates changed
 * ones, in one transaction. Rows of types no longer registered are kept: events of them still exist.
 */
export function upsertEventTypes(
  database: SqliteDatabase,
  statements: Statements,
  definitions: readonly EventTypeDefinition[],
  now: number,
): void {
  if (definitions.length === 0) return;
  statements.begin.run();
  try {
    for (const definition of definitions) {
      statements.upsertEventType.run({
        eventType: definition.eventType,
        schemaVersion: definition.schemaVersion,
        aggregateType: definition.aggregateType,
        jsonSchema: JSON.stringify(definition.schema),
        description: definition.description ?? null,
        now,
      });
    }
    statements.commit.run();
  } catch (error) {
    if (database.inTransaction) statements.rollback.run();
    throw error;
  }
}
