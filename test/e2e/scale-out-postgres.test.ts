import { createTestDatabase } from '../support/postgres/shared-postgres.ts';
import { runScaleOutSuite } from '../support/scale-out/run-scale-out-suite.ts';

// Three real gateway processes on one Postgres database (created for this run, dropped after) and the shared Redis.
runScaleOutSuite('one Postgres database and Redis', async () => {
  const database = await createTestDatabase('scale_out');
  return { url: database.url, cleanup: () => database.drop() };
});

// Without Redis the instances share only the database: its row-locked transactions alone keep the budget exact.
runScaleOutSuite(
  'one Postgres database alone',
  async () => {
    const database = await createTestDatabase('scale_out_alone');
    return { url: database.url, cleanup: () => database.drop() };
  },
  { coordination: false },
);
