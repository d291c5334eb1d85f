import { createInMemoryEventStore } from '@chronicle/core';
import { runEventStoreConformance } from '../src';

runEventStoreConformance({
  name: 'in-memory',
  createStore: (options) => createInMemoryEventStore(options),
  capabilities: { subscriptions: true, projections: true },
});
