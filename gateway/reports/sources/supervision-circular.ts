/**
 * 通报 figures per township (seed 003: "建立通报、督办、核查和奖惩等制度"): for the 督办 and written reminders issued in
 * the period, how many, how many are done, how many still wait with or without a reason, and what each township has
 * overdue today.
 */
import { scopePrefix } from '../../access/region-scope.js';
import { circularFigures } from '../../supervision/circular.js';
import { storeItemState } from '../../supervision/item-state.js';
import { defaultOverdueContext, listOverdueItems } from '../../supervision/overdue-items.js';
import { defineReportSource } from '../report-source.js';
import { placeNames } from './payroll-reading.js';
import { regionName } from './region-names.js';

export default defineReportSource({
  name: 'supervision-circular',
  description: 'Per township: 督办 and written reminders issued in the period, how many are done, still open, or justified by a reason, and the items overdue today.',
  capability: 'readSupervision',
  fields: {
    township: { type: 'text', description: '乡镇（街道）, or the county itself for what it owes (warnings not yet pushed, progress sheets)' },
    orders: { type: 'integer', description: '督办件数: issued in the period' },
    done: { type: 'integer', description: '已办结: of those, the items done since' },
    reasonsRecorded: { type: 'integer', description: '说明正当理由: not done, with a reason on record' },
    stillOpen: { type: 'integer', description: '仍未办结: not done and no reason' },
    remindersIssued: { type: 'integer', description: '书面提醒: issued in the period' },
    overdueNow: { type: 'integer', description: '当前逾期事项: items past their deadline today' },
  },
  async load(knex, request) {
    const context = defaultOverdueContext();
    const lines = await circularFigures(knex, storeItemState(knex, context), {
      regionPrefix: scopePrefix(request.regionCode), from: request.period.from, to: request.period.to, today: request.today,
    });
    const overdue = new Map<string, number>();
    for (const item of await listOverdueItems(knex, request.actor, { regionCode: request.regionCode, asOf: request.today }, context)) {
      overdue.set(item.townshipCode, (overdue.get(item.townshipCode) ?? 0) + 1);
    }
    const townships = [...new Set([...lines.map((l) => l.townshipCode), ...overdue.keys()])].sort();
    const names = await placeNames(knex, townships);
    return {
      context: { region: await regionName(knex, request.regionCode), period: request.period.label },
      rows: townships.map((code) => {
        const line = lines.find((l) => l.townshipCode === code);
        const orders = line?.orders ?? 0;
        const stillNotDone = line?.stillNotDone ?? 0;
        const reasons = line?.reasonsRecorded ?? 0;
        return {
          township: names(code), orders, done: orders - stillNotDone, reasonsRecorded: reasons, stillOpen: stillNotDone - reasons,
          remindersIssued: line?.remindersIssued ?? 0, overdueNow: overdue.get(code) ?? 0,
        };
      }),
      subjectPersonIds: [],
    };
  },
});
