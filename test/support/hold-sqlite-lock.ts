import Database from 'better-sqlite3';

/**
 * Test helper process: another program holding the write lock of a gateway's SQLite file (a
 * backup tool, a migration, a second gateway stuck mid-transaction). Takes `BEGIN EXCLUSIVE`,
 * prints `locked`, holds it for the given milliseconds, commits and exits.
 * Usage: node --import tsx hold-sqlite-lock.ts <path> <ms>
 */
const [path, ms] = process.argv.slice(2);
if (!path || !ms) throw new Error('usage: hold-sqlite-lock.ts <path> <ms>');
const database = new Database(path);
database.pragma('busy_timeout = 5000');
database.exec('BEGIN EXCLUSIVE');
process.stdout.write('locked\n');
setTimeout(() => {
  database.exec('COMMIT');
  database.close();
  process.stdout.write('released\n');
  process.exit(0);
}, Number(ms));
