import { MemoryApprovalStore } from './approval-fakes.js';
import { describeApprovalStoreContract } from './approval-store-contract.js';

// The fake the use-case tests rely on must keep the same contract as the Redis store.
describeApprovalStoreContract('MemoryApprovalStore (test fake)', async () => {
  const store = new MemoryApprovalStore();
  return {
    store,
    deleteRecord: async (id) => store.deleteRecord(id),
    setStoredRequest: async (id, request) => store.setStoredRequest(id, request),
    close: async () => undefined,
  };
});
