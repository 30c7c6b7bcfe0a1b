import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeItemState } from '../../gateway/supervision/item-state.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';
import { idNumber, subjectColumns } from '../helpers/monitoring.js';

describe.each(dialects)('supervision items read from the store on %s', (dialect) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await openTestStore(dialect, { referenceData: false });
  });
  afterEach(async () => {
    await store.dispose();
  });

  async function addWarning(status: string, dueOn: string): Promise<string> {
    const now = new Date('2024-10-01T00:00:00Z');
    const [run] = await store
      .knex('comparison_runs')
      .insert({ period: '2024-09', mode: 'full', rule_set: 'test', rule_set_sm3: '0'.repeat(64), started_at: now, status: 'finished' })
      .returning('id');
    const runId = Number((run as { id: number }).id ?? run);
    const [row] = await store
      .knex('warnings')
      .insert({
        run_id: runId,
        rule_id: `rule-${status}`,
        period: '2024-09',
        ...subjectColumns(store.knex, idNumber('370502', '19600101', status === 'pending' ? 1 : 2)),
        handling_unit: 'township',
        severity: 'high',
        suggested_action: 'verify',
        status,
        raised_on: '2024-09-20',
        due_on: dueOn,
        created_at: now,
        updated_at: now,
      })
      .returning('id');
    return String((row as { id: number }).id ?? row);
  }

  it('takes a warning as overdue while open past its due date, and as done once closed', async () => {
    const items = storeItemState(store.knex);
    const open = await addWarning('pending', '2024-10-10');
    const closed = await addWarning('resolved', '2024-10-10');
    expect(await items.overdue('warning', open, '2024-10-10')).toBe(false);
    expect(await items.overdue('warning', open, '2024-10-11')).toBe(true);
    expect(await items.done('warning', open)).toBe(false);
    expect(await items.overdue('warning', closed, '2024-10-11')).toBe(false);
    expect(await items.done('warning', closed)).toBe(true);
    expect(await items.overdue('warning', '999', '2024-10-11')).toBe(false);
    expect(await items.overdue('visit', '1:dibao', '2024-10-11')).toBe(false);
  });
});
