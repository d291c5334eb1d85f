import { createInMemoryEventStore } from '@chronicle/core';
import type { SubjectFactory } from '../subject';
import { chronicleSubject } from './chronicle-subject';

/** The in-memory reference store: no storage to reuse, so `reopen` starts empty (W7's child seeds it). */
export function memoryFactory(): SubjectFactory {
  return {
    name: 'memory',
    driver: 'memory',
    kind: 'adapter',
    async open() {
      return chronicleSubject(createInMemoryEventStore(), 'memory');
    },
    async reopen() {
      return chronicleSubject(createInMemoryEventStore(), 'memory');
    },
    // Nothing on disk.
    async storageBytes() {
      return 0;
    },
    async dispose() {},
  };
}
