/**
 * The baseline of the comparison benchmark, as issue 5 measured it: DuckDB joining the register and the facts, as
 * two CSV files, on the blind index of the ID number — reading both files, a hash join (a left join, since the comparison keeps facts
 * about people outside the register) and a count and sum per fact kind, so that every joined row is produced —
 * and nothing else: no rules, no deduplication, nothing written. In-memory database, DuckDB's default threads (one
 * per core).
 * Usage: comparison-duckdb.ts CSV_DIR
 */
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { reportCase, secondsSince } from '../case-result.js';

const [dir = '.'] = process.argv.slice(2);
const quoted = (path: string) => `'${path.replaceAll("'", "''")}'`;

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const start = process.hrtime.bigint();
// Column types given, as comparison-store.ts wrote them: the keys stay text.
const reader = await connection.runAndReadAll(`
  SELECT f.kind, COUNT(*) AS facts, COUNT(p.id_key) AS in_register, SUM(f.amount_fen) AS amount
    FROM read_csv(${quoted(join(dir, 'facts.csv'))}, header = true,
           columns = {'id': 'BIGINT', 'kind': 'VARCHAR', 'subject_key': 'VARCHAR', 'occurred_on': 'DATE', 'period': 'VARCHAR', 'amount_fen': 'BIGINT', 'attributes': 'VARCHAR'}) f
    LEFT JOIN read_csv(${quoted(join(dir, 'persons.csv'))}, header = true, columns = {'id_key': 'VARCHAR', 'household_id': 'BIGINT'}) p
           ON p.id_key = f.subject_key
   GROUP BY f.kind`);
const seconds = secondsSince(start);
const rows = reader.getRowsJS() as [string, bigint, bigint, bigint | null][];
const facts = rows.reduce((sum, row) => sum + Number(row[1]), 0);
const matched = rows.reduce((sum, row) => sum + Number(row[2]), 0);
connection.closeSync();
instance.closeSync();
reportCase({ name: 'baseline: DuckDB joins register × facts, two CSVs, bare', rows: facts, unit: 'facts', seconds, detail: `${matched.toLocaleString('en')} of them about register persons` });
