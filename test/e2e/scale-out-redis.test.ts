import { join } from 'node:path';
import { runScaleOutSuite } from '../support/scale-out/run-scale-out-suite.ts';

// Three real gateway processes on one SQLite file (the durable ledger, WAL) and the shared Redis.
runScaleOutSuite('one SQLite file and Redis', async (directory) => ({ url: `sqlite:${join(directory, 'switchyard.db')}`, cleanup: async () => {} }));
