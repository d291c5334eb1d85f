export {
  createTestStores,
  openStoreAt,
  postgresUrl,
  type StoreLocation,
  type TestStores,
} from './test-stores';
