import { SqliteSpendStore } from '../../../src/store/sqlite/spend-store.ts';
import { openSpendDatabase, rule } from './spend-test-support.ts';

/**
 * Test helper process: one "gateway process" with its own connection, reserving as fast as it
 * can against the same budget as a sibling process. Sends back how many were admitted.
 */
const input = JSON.parse(process.env['SPEND_RACE'] ?? '{}') as {
  path: string;
  name: string;
  limitMicros: number;
  attempts: number;
  amountMicros: number;
  now: string;
};
const database = openSpendDatabase(input.path);
const store = new SqliteSpendStore(database);
// Start together: each process reports ready, then waits for the parent's go.
await new Promise<void>((resolve) => {
  process.once('message', () => resolve());
  process.send?.('ready');
});
let admitted = 0;
for (let index = 0; index < input.attempts; index++) {
  const result = await store.reserve({
    reservationId: `${input.name}-${index}`,
    rules: [rule({ limitMicros: input.limitMicros })],
    amountMicros: input.amountMicros,
    now: new Date(input.now),
  });
  if (result.ok) admitted++;
}
database.close();
process.send?.(admitted, () => process.disconnect());
