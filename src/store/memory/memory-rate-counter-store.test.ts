import { runRateCounterContract } from '../../../test/store-contract/run-rate-counter-contract.ts';
import { MemoryRateCounterStore } from './memory-rate-counter-store.ts';

runRateCounterContract('memory', async () => new MemoryRateCounterStore());
