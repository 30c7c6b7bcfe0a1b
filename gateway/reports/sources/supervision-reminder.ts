/**
 * 书面提醒 (supervision/written-reminders.ts): a township's items overdue today, as the reminder lists them. Taken as a
 * report it is the draft — no number yet; issuing it (POST /v1/supervision/reminders, `jiuzhu supervision remind`)
 * numbers it, keeps the document as issued and records its SM3.
 */
import { ProblemError } from '../../errors.js';
import { defaultOverdueContext, listOverdueItems } from '../../supervision/overdue-items.js';
import { reminderData } from '../../supervision/written-reminders.js';
import { defineReportSource } from '../report-source.js';

export const draftNumber = '（草稿，未编号）';

export default defineReportSource({
  name: 'supervision-reminder',
  description: 'A township\'s items overdue today, as a written reminder (书面提醒) lists them; as a report, the unnumbered draft.',
  capability: 'readSupervision',
  contextFields: {
    number: 'The reminder\'s number (local practice: county, year, sequence), or that it is a draft',
    county: 'The county that issues it, by its short name (永宁县)',
    township: 'The township it is addressed to, by its short name (杨和镇)',
    asOf: 'The day the items were found overdue, as a letter dates itself (2026年12月5日)',
    count: 'How many items it lists',
  },
  fields: {
    kind: { type: 'text', description: '事项类别' },
    what: { type: 'text', description: '事项' },
    subject: { type: 'text', description: '对象: the person, household head or unit' },
    dueOn: { type: 'date', description: '应办结日期' },
    workingDaysLate: { type: 'integer', description: '逾期工作日' },
    order: { type: 'text', description: '督办: the order on the item, if any, and the date it asks the item done by' },
  },
  async load(knex, request) {
    if (!/^[0-9]{9}$/.test(request.regionCode)) {
      throw new ProblemError('validation-failed', 'a written reminder is addressed to one township: give region as a 9-digit township code',
        [{ in: 'query', parameter: 'region', detail: 'a township code' }]);
    }
    const items = (await listOverdueItems(knex, request.actor, { regionCode: request.regionCode, asOf: request.today }, defaultOverdueContext()))
      .filter((item) => item.townshipCode === request.regionCode);
    return reminderData(knex, request.regionCode, items, { number: draftNumber, asOf: request.today });
  },
});
