import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config.ts';

export const migrateUsage = `Usage: switchyard migrate [--config FILE]

Brings the database of storage.url to the current schema and exits: prints the steps it
applied (nothing when it is current). Safe to run while gateways run, and from several
places at once (Postgres: an advisory lock makes them take turns). Gateways also migrate at
start, so this is for operators who run schema changes as a separate deploy step.
`;

export async function runMigrate(argv: string[], io: { stdout: NodeJS.WritableStream } = { stdout: process.stdout }): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string' }, help: { type: 'boolean' } }, strict: true });
  if (values.help) return void io.stdout.write(migrateUsage);
  const config = loadConfig(values.config === undefined ? {} : { configPath: values.config });
  const url = config.storage.url;
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const { migrateDatabase } = await import('../store/postgres/migrate-database.ts');
    const { target, applied } = await migrateDatabase(url);
    io.stdout.write(applied.length === 0 ? `postgres ${target}: schema is current\n` : `postgres ${target}: applied ${applied.join(', ')}\n`);
    return;
  }
  // SQLite migrates when it opens (in its worker thread); opening and closing is the whole job.
  const { openStorage } = await import('../store/open-storage.ts');
  const storage = await openStorage(url);
  await storage.close();
  io.stdout.write(`${url}: schema is current\n`);
}
