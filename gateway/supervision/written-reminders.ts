import type { Knex } from 'knex';
import type { Actor } from '../access/actor.js';
import { isWithinScope, scopePrefix } from '../access/region-scope.js';
import { sm3Hex } from '../crypto/sm3.js';
import { ProblemError } from '../errors.js';
import { renderReport } from '../reports/produce-report.js';
import type { ReportData } from '../reports/report-source.js';
import { loadReportTemplates } from '../reports/report-templates.js';
import { placeNames } from '../reports/sources/payroll-reading.js';
import { regionName } from '../reports/sources/region-names.js';
import { recordAudit } from '../store/repositories/audit-log.js';
import { requireCounty, toDate, type ReminderItem } from './orders.js';
import { itemKindWords, listOverdueItems, type OverdueContext, type OverdueItem } from './overdue-items.js';

/**
 * Written reminders (书面提醒, seed 004: "凡是通过书面提醒后,又无正当理由仍未办理的,为未做到“应保尽保、应救尽救”"): the
 * county hands a township the list of what it has left undone past the deadline. The seeds give no form for one; the
 * layout (report-templates/supervision-reminder.json) and the numbering are local practice. The document is kept as
 * issued, with its SM3, and the items it listed are kept with it: what a township was reminded of never changes
 * afterwards, whatever happens to the items.
 */
export interface IssuedReminder {
  id: number;
  number: string;
  issuedOn: string;
  townshipCode: string;
  documentSm3: string;
  items: OverdueItem[];
}

export const reminderTemplate = 'supervision-reminder';

/** The sheet's rows and title fields for a township's overdue items (a draft has no number yet). */
export async function reminderData(knex: Knex, townshipCode: string, items: readonly OverdueItem[], reminder: { number: string; asOf: string }): Promise<ReportData> {
  const orders = await ordersOn(knex, items);
  const names = await placeNames(knex, [townshipCode, townshipCode.slice(0, 6)]);
  return {
    context: {
      region: await regionName(knex, townshipCode),
      period: reminder.asOf,
      number: reminder.number,
      county: names(townshipCode.slice(0, 6)),
      township: names(townshipCode),
      asOf: chineseDate(reminder.asOf),
      count: String(items.length),
    },
    rows: items.map((item) => {
      const order = orders.get(`${item.kind}:${item.ref}`);
      return {
        kind: itemKindWords[item.kind],
        what: item.what,
        subject: item.subject,
        dueOn: item.dueOn,
        workingDaysLate: item.workingDaysLate,
        order: order ? `督办第${order.id}号，限${toDate(order.due_on)}前办结` : null,
      };
    }),
    subjectPersonIds: [...new Set(items.flatMap((i) => (i.personId === null ? [] : [i.personId])))],
  };
}

/** 2026年12月5日, as a letter dates itself. */
function chineseDate(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  return `${year}年${month}月${day}日`;
}

async function ordersOn(knex: Knex, items: readonly OverdueItem[]): Promise<Map<string, { id: number; due_on: unknown }>> {
  const orders = new Map<string, { id: number; due_on: unknown }>();
  const refs = [...new Set(items.map((i) => i.ref))];
  for (let at = 0; at < refs.length; at += 500) {
    const rows = (await knex('supervision_orders').whereIn('item_ref', refs.slice(at, at + 500)).select('id', 'item_kind', 'item_ref', 'due_on')) as { id: number; item_kind: string; item_ref: string; due_on: unknown }[];
    for (const row of rows) orders.set(`${row.item_kind}:${row.item_ref}`, { id: Number(row.id), due_on: row.due_on });
  }
  return orders;
}

/** 640121督〔2026〕3号: the county, the year, and the reminder's place in the county's year (local practice). */
async function nextNumber(trx: Knex.Transaction, county: string, year: string): Promise<string> {
  const prefix = `${county}督〔${year}〕`;
  const rows = (await trx('supervision_reminders').where('number', 'like', `${prefix}%`).select('number')) as { number: string }[];
  const last = Math.max(0, ...rows.map((r) => Number(r.number.slice(prefix.length, -1))).filter(Number.isFinite));
  return `${prefix}${last + 1}号`;
}

/**
 * Issues a township's written reminder of everything it has overdue today: numbered, rendered, kept with its SM3 and
 * audited, all in one transaction. Refused when nothing is overdue — a reminder of nothing is not one.
 */
export async function issueWrittenReminder(
  knex: Knex, actor: Actor, input: { townshipCode: string; today: string }, context: OverdueContext,
): Promise<IssuedReminder> {
  if (!/^[0-9]{9}$/.test(input.townshipCode) || !isWithinScope(actor.regionCode, input.townshipCode)) {
    throw new ProblemError('not-found', `no township ${input.townshipCode} within ${actor.regionCode}`);
  }
  requireCounty(actor);
  const items = (await listOverdueItems(knex, actor, { regionCode: input.townshipCode, asOf: input.today }, context))
    .filter((item) => item.townshipCode === input.townshipCode);
  if (items.length === 0) throw new ProblemError('supervision-conflict', `township ${input.townshipCode} has nothing overdue on ${input.today}: there is nothing to remind it of`);
  const template = loadReportTemplates().get(reminderTemplate)!;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await knex.transaction(async (trx) => {
        const number = await nextNumber(trx, input.townshipCode.slice(0, 6), input.today.slice(0, 4));
        const data = await reminderData(trx, input.townshipCode, items, { number, asOf: input.today });
        const document = await renderReport(template, data, { format: 'xlsx', documentDate: input.today });
        const documentSm3 = sm3Hex(document);
        const snapshot: (ReminderItem & Omit<OverdueItem, 'kind' | 'ref'>)[] = items.map(({ kind, ref, ...rest }) => ({ itemKind: kind, itemRef: ref, ...rest }));
        const [row] = await trx('supervision_reminders')
          .insert({
            number, issued_on: input.today, township_code: input.townshipCode, items: JSON.stringify(snapshot),
            document_sm3: documentSm3, document, document_format: 'xlsx', issued_by: actor.label,
          })
          .returning('id');
        const id = Number(typeof row === 'object' && row !== null ? (row as { id: unknown }).id : row);
        await recordAudit(trx, actor, {
          action: 'supervision.reminder', outcome: 'ok', resourceType: 'supervision-reminder', resourceId: String(id), regionCode: input.townshipCode,
          subjectPersonIds: data.subjectPersonIds, detail: `书面提醒 ${number}: ${items.length} items overdue on ${input.today}, sm3 ${documentSm3}`,
        });
        return { id, number, issuedOn: input.today, townshipCode: input.townshipCode, documentSm3, items };
      });
    } catch (error) {
      // Two reminders of one county at once take the same number; the unique number refuses the second, which tries again.
      if (attempt < 2 && /unique|UNIQUE/.test((error as Error).message)) continue;
      throw error;
    }
  }
}

export interface StoredReminder {
  id: number;
  number: string;
  issuedOn: string;
  townshipCode: string;
  documentSm3: string;
  issuedBy: string;
  items: (ReminderItem & Partial<Omit<OverdueItem, 'kind' | 'ref'>>)[];
}

function toStored(row: Record<string, unknown>): StoredReminder {
  return {
    id: Number(row.id),
    number: String(row.number),
    issuedOn: toDate(row.issued_on),
    townshipCode: String(row.township_code),
    documentSm3: String(row.document_sm3),
    issuedBy: String(row.issued_by),
    items: JSON.parse(String(row.items)) as StoredReminder['items'],
  };
}

/** The reminders issued to townships inside a region, newest first. */
export async function listReminders(knex: Knex, regionCode: string, filter: { from?: string; to?: string } = {}): Promise<StoredReminder[]> {
  const rows = await knex('supervision_reminders')
    .where('township_code', 'like', `${scopePrefix(regionCode)}%`)
    .modify((q) => {
      if (filter.from) q.andWhere('issued_on', '>=', filter.from);
      if (filter.to) q.andWhere('issued_on', '<=', filter.to);
    })
    .select('id', 'number', 'issued_on', 'township_code', 'document_sm3', 'issued_by', 'items')
    .orderBy('id', 'desc');
  return (rows as Record<string, unknown>[]).map(toStored);
}

/** A reminder's document as issued, checked against the SM3 recorded with it before it is handed out again. */
export async function reminderDocument(knex: Knex, id: number, regionCode: string): Promise<{ reminder: StoredReminder; document: Buffer }> {
  const row = (await knex('supervision_reminders').where({ id }).first()) as Record<string, unknown> | undefined;
  if (!row || !isWithinScope(regionCode, String(row.township_code))) throw new ProblemError('not-found', `no written reminder ${id} within ${regionCode}`);
  const reminder = toStored(row);
  if (row.document === null || row.document === undefined) throw new ProblemError('not-found', `written reminder ${reminder.number} was recorded without its document`);
  const document = Buffer.from(row.document as Uint8Array);
  if (sm3Hex(document) !== reminder.documentSm3) {
    throw new ProblemError('stored-document-altered', `written reminder ${reminder.number}'s document no longer matches the SM3 recorded when it was issued`);
  }
  return { reminder, document };
}
