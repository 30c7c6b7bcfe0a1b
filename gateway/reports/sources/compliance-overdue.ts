/**
 * 逾期未办事项 for auditors and the county: everything of the region past its deadline today — warnings, visits,
 * referrals, application steps, progress sheets (supervision/overdue-items.ts) — with the 督办 on each, the written
 * reminders that listed it and the township's 正当理由, if recorded.
 */
import { scopePrefix } from '../../access/region-scope.js';
import { listOrders, type SupervisionOrder } from '../../supervision/orders.js';
import { defaultOverdueContext, itemKindWords, listOverdueItems } from '../../supervision/overdue-items.js';
import { listReminders } from '../../supervision/written-reminders.js';
import { defineReportSource } from '../report-source.js';
import { placeNames } from './payroll-reading.js';
import { regionName } from './region-names.js';

export default defineReportSource({
  name: 'compliance-overdue',
  description: 'Every item of the region past its deadline today (warnings, visits, referrals, application steps, progress sheets), with its 督办, the written reminders that listed it and any reason recorded.',
  capability: 'readSupervision',
  contextFields: { figures: 'How many items are overdue, how many under 督办 and how many were in a written reminder' },
  fields: {
    township: { type: 'text', description: '乡镇（街道）: who owes the item (the county for a warning not yet pushed and for a unit\'s progress sheet)' },
    kind: { type: 'text', description: '事项类别: 预警处置, 走访, 转介, 申请办理, 进度报送' },
    what: { type: 'text', description: '事项: the item in a reader\'s words' },
    subject: { type: 'text', description: '对象: the person, household head or unit' },
    dueOn: { type: 'date', description: '应办结日期' },
    workingDaysLate: { type: 'integer', description: '逾期工作日, on the official holiday calendar' },
    order: { type: 'text', description: '督办: number, issue date and the date it asks the item done by' },
    reminders: { type: 'text', description: '书面提醒: the reminders that listed the item, with their dates' },
    reason: { type: 'text', description: '正当理由: as the township recorded it on the 督办' },
  },
  async load(knex, request) {
    const items = await listOverdueItems(knex, request.actor, { regionCode: request.regionCode, asOf: request.today }, defaultOverdueContext());
    const prefix = scopePrefix(request.regionCode);
    const orders = new Map<string, SupervisionOrder>((await listOrders(knex, prefix)).map((o) => [`${o.itemKind}:${o.itemRef}`, o]));
    const reminded = new Map<string, string[]>();
    for (const reminder of (await listReminders(knex, request.regionCode)).reverse()) {
      for (const item of reminder.items) {
        const key = `${item.itemKind}:${item.itemRef}`;
        reminded.set(key, [...(reminded.get(key) ?? []), `${reminder.number}（${reminder.issuedOn}）`]);
      }
    }
    const names = await placeNames(knex, items.map((i) => i.townshipCode));
    const underOrder = items.filter((i) => orders.has(`${i.kind}:${i.ref}`)).length;
    const inReminder = items.filter((i) => reminded.has(`${i.kind}:${i.ref}`)).length;
    return {
      context: {
        region: await regionName(knex, request.regionCode),
        period: request.period.label,
        figures: items.length === 0 ? '无逾期事项' : `逾期事项${items.length}件，已督办${underOrder}件，已书面提醒${inReminder}件`,
      },
      rows: items.map((item) => {
        const key = `${item.kind}:${item.ref}`;
        const order = orders.get(key);
        return {
          township: names(item.townshipCode),
          kind: itemKindWords[item.kind],
          what: item.what,
          subject: item.subject,
          dueOn: item.dueOn,
          workingDaysLate: item.workingDaysLate,
          order: order ? `第${order.id}号（${order.issuedOn}），限${order.dueOn}前` : null,
          reminders: reminded.get(key)?.join('；') ?? null,
          reason: order?.reason ?? null,
        };
      }),
      subjectPersonIds: [...new Set(items.flatMap((i) => (i.personId === null ? [] : [i.personId])))],
    };
  },
});
