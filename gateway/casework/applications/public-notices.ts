import type { Knex } from 'knex';
import type { Actor } from '../../access/actor.js';
import { isWithinScope } from '../../access/region-scope.js';
import { lastDayOfPeriod } from '../../calendar/periods.js';
import { ProblemError } from '../../errors.js';
import type { Viewed } from '../../register/register-views.js';
import { codeName } from '../../store/reference-data/code-tables.js';
import { noticeRows, type NoticeRow } from '../../store/repositories/applications.js';
import { findRegions } from '../../store/repositories/regions.js';
import type { ApplicationNoticeItem, ApplicationNoticeList, TimeLimits } from '../../../schemas/types/index.js';
import type { CaseworkSettings } from '../casework-settings.js';
import { requireApplicationReader } from './application-access.js';

/**
 * A name as some places publish it: first and last character kept, the middle hidden (张小明 → 张*明, 欧阳小明 →
 * 欧**明); a two-character name keeps its surname (张明 → 张*).
 */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return chars.join('');
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/**
 * The public notice list (公示名单) of a township for a month: notices posted that month and approvals decided in it
 * (审核确认公告), both shown where the household lives and where it is registered (seed 001). Built from NoticeRow,
 * which reads no ID number, phone, account or health column, so none can reach a notice whatever the role.
 */
export async function viewNoticeList(knex: Knex, actor: Actor, township: string, period: string, settings: CaseworkSettings): Promise<Viewed<ApplicationNoticeList>> {
  requireApplicationReader(actor);
  const region = (await findRegions(knex, [township])).get(township);
  if (!region || region.level !== 'township') {
    throw new ProblemError('unknown-region', `${township} is not a township in the register`, [{ in: 'query', parameter: 'township', detail: 'not a township' }]);
  }
  if (!isWithinScope(actor.regionCode, township)) throw new ProblemError('out-of-scope', `township ${township} is outside ${actor.regionCode}`);
  const from = `${period}-01`;
  const to = lastDayOfPeriod(period);
  const rows = await noticeRows(knex, township, from, to);
  const villageCodes = rows.map((r) => villageIn(township, r));
  const villages = await findRegions(knex, villageCodes);
  const nameDisplay = settings.limits.publicNotices.nameDisplay;
  const items: ApplicationNoticeItem[] = [];
  rows.forEach((row, index) => {
    const villageCode = villageCodes[index]!;
    const common = {
      applicationId: row.id,
      name: nameDisplay === 'masked' ? maskName(row.applicantName) : row.applicantName,
      village: { code: villageCode, name: villages.get(villageCode)?.name ?? '' },
      householdSize: row.householdSize,
      assistanceType: noticeAssistanceType(settings.limits.publicNotices, row.category),
    };
    if (row.noticeStartsOn !== null && row.noticeStartsOn >= from && row.noticeStartsOn <= to) {
      items.push({ ...common, stage: 'notice', monthlyAmountFen: row.proposedMonthlyAmountFen, startsOn: row.noticeStartsOn, endsOn: row.noticeEndsOn });
    }
    if (row.status === 'approved' && row.decidedOn !== null && row.decidedOn >= from && row.decidedOn <= to) {
      items.push({ ...common, stage: 'approved', monthlyAmountFen: row.approvedMonthlyAmountFen, startsOn: row.decidedOn, endsOn: null });
    }
  });
  items.sort((a, b) => a.village.code.localeCompare(b.village.code) || a.stage.localeCompare(b.stage) || a.applicationId - b.applicationId);
  return {
    view: { township: { code: township, name: region.fullName }, period, nameDisplay, items },
    subjectPersonIds: rows.map((r) => r.applicantPersonId),
    regionCode: township,
  };
}

/**
 * The assistance type as a notice shows it. A category whose own name would tell the village something private
 * (刚性支出困难家庭: heavy medical or disability costs) is shown under the configured general wording, and without
 * its code, which would say the same to anyone who knows the table.
 */
export function noticeAssistanceType(notices: TimeLimits['publicNotices'], category: string | null): ApplicationNoticeItem['assistanceType'] {
  if (category === null) return null;
  if ((notices.generalisedCategories.categories as readonly string[]).includes(category)) return { code: null, name: notices.generalisedCategories.shownAs };
  return { code: category, name: codeName('assistance-category', category) ?? '' };
}

/** The village the notice is posted in, within this township: of registration if it is here, else of residence. */
function villageIn(township: string, row: NoticeRow): string {
  return row.registeredVillage.startsWith(township) ? row.registeredVillage : row.residenceVillage;
}
