/**
 * `INSERT INTO table (columns) VALUES ($1, $2, …), (…) …` for many rows in one statement (one
 * round trip), plus its flat parameter list. Postgres takes at most 65,535 parameters a
 * statement, so callers keep batches well below that (200 rows of 36 columns is 7,200).
 */
export function multiRowInsert(table: string, columns: readonly string[], rows: readonly unknown[][], suffix: string): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const tuples = rows.map((row) => {
    const placeholders = row.map((value) => {
      values.push(value);
      return `$${values.length}`;
    });
    return `(${placeholders.join(', ')})`;
  });
  return { text: `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')} ${suffix}`, values };
}
