import { runStoreConformance } from '../testing/run-store-cases.js';
import { MemoryRunStore } from './memory-store.js';

runStoreConformance('memory', () => Promise.resolve({ store: new MemoryRunStore() }));
