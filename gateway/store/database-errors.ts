import type { Knex } from 'knex';

/**
 * knex builds its error message from the SQL with the bound values filled in, and PostgreSQL adds a
 * `detail` such as `Key (id_number)=(640121…) already exists.` Either would put ID numbers and names
 * into logs and problem bodies (research/perf-facts.md §3). This listener rewrites every query error
 * at the source, before any caller sees it, keeping only what names the failure: the driver's code,
 * the constraint, the table.
 */
export function stripBoundValuesFromErrors(knex: Knex): void {
  knex.on('query-error', (error: unknown) => {
    if (error instanceof Error) redactDatabaseError(error);
  });
}

const valueBearingFields = ['detail', 'where', 'internalQuery', 'hint'] as const;

export function redactDatabaseError(error: Error): void {
  const fields = error as unknown as Record<string, unknown>;
  const driverMessage = driverMessageOf(error.message);
  error.message = driverMessage;
  for (const field of valueBearingFields) {
    if (field in fields) fields[field] = undefined;
  }
  if (typeof error.stack === 'string') {
    const frames = error.stack.split('\n').filter((line) => line.trimStart().startsWith('at '));
    error.stack = [`${error.name}: ${driverMessage}`, ...frames].join('\n');
  }
}

/** knex formats errors as "<sql with values> - <driver message>"; the driver message has no values. */
function driverMessageOf(message: string): string {
  const separator = message.lastIndexOf(' - ');
  return separator === -1 ? message : message.slice(separator + 3);
}

/** The constraint a write violated, for turning it into a precise problem. */
export function violatedConstraint(error: unknown): { kind: 'unique' | 'foreign-key' | 'check' | 'trigger'; name: string } | undefined {
  if (!(error instanceof Error)) return undefined;
  const fields = error as unknown as Record<string, unknown>;
  const code = String(fields.code ?? '');
  if (code === '23505') return { kind: 'unique', name: String(fields.constraint ?? '') };
  if (code === '23503') return { kind: 'foreign-key', name: String(fields.constraint ?? '') };
  if (code === '23514') return { kind: 'check', name: String(fields.constraint ?? '') };
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return { kind: 'unique', name: error.message.replace(/^UNIQUE constraint failed: /, '') };
  }
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return { kind: 'foreign-key', name: '' };
  if (code === 'SQLITE_CONSTRAINT_CHECK') return { kind: 'check', name: error.message.replace(/^CHECK constraint failed: /, '') };
  if (code === 'SQLITE_CONSTRAINT_TRIGGER' || code === 'P0001') return { kind: 'trigger', name: error.message };
  return undefined;
}
