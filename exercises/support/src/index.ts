export {
  type Child,
  type ChildMessage,
  exerciseModuleUrl,
  receiveFromParent,
  sendToParent,
  startChild,
} from './child-process';
export {
  createTestStores,
  openStoreAt,
  postgresUrl,
  type StoreLocation,
  type TestStores,
} from './test-stores';
