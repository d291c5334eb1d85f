import type { SubjectFactory, TargetName } from '../subject';
import { memoryFactory } from './memory-subjects';
import {
  postgresAdapterFactory,
  postgresFloorFactory,
  postgresLeanFactory,
  postgresRawFactory,
  postgresUnnamedFactory,
} from './postgres-subjects';
import {
  sqliteAdapterFactory,
  sqliteFloorFactory,
  sqliteLeanFactory,
  sqliteRawFactory,
} from './sqlite-subjects';

/** Where subjects keep their storage. */
export interface StorageSettings {
  /** Directory for SQLite files (a real disk, so fsync is real). */
  readonly dataDir: string;
  /** PostgreSQL URL; each subject gets its own schema. */
  readonly postgresUrl: string;
}

/** The factory of one target. */
export function createFactory(name: TargetName, storage: StorageSettings): SubjectFactory {
  switch (name) {
    case 'memory':
      return memoryFactory();
    case 'sqlite':
      return sqliteAdapterFactory(storage.dataDir);
    case 'sqlite-raw':
      return sqliteRawFactory(storage.dataDir);
    case 'postgres':
      return postgresAdapterFactory(storage.postgresUrl);
    case 'sqlite-floor':
      return sqliteFloorFactory(storage.dataDir);
    case 'postgres-raw':
      return postgresRawFactory(storage.postgresUrl);
    case 'postgres-floor':
      return postgresFloorFactory(storage.postgresUrl);
    case 'postgres-unnamed':
      return postgresUnnamedFactory(storage.postgresUrl);
    case 'sqlite-lean':
      return sqliteLeanFactory(storage.dataDir);
    case 'postgres-lean':
      return postgresLeanFactory(storage.postgresUrl);
  }
}
