/**
 * The demo's other county, 黔江区 (500114), as seed 004 (its notice) asks it to be organised: a social-assistance
 * assistant (社会救助协理员) for the villages of each township — all but one community of 城东街道, whose assistant has
 * not been found yet, so the report of villages without one has its row — and one family a township put on the
 * 重点人群花名册 beside the one the month's discovery cases file 救助观察. Recorded through the ordinary services, so
 * each is checked and audited like a township's own entry.
 *
 * Idempotent: a county that already has assistants keeps them, and a household already on the roster keeps its entry.
 */
import type { Actor } from '../access/actor.js';
import { createAssistant } from '../casework/village-assistants.js';
import { addToKeyGroup } from '../oversight/key-group-roster.js';
import type { Store } from '../store/connect.js';

const county = '500114';
/** Demo assistants, one per township, named in turn (Tujia and Han surnames common in 黔江). */
const assistantNames = ['冉小华', '向红', '李建', '张丽', '彭艳', '何军', '杨芳', '陈明', '田春梅', '罗勇'];
/** The household after the six of the month's discovery cases (qianjiang-discoveries.ts), so it is not one of them. */
const addedHouseholdIndex = 6;

export interface QianjiangOversight {
  assistants: number;
  uncoveredVillage: string | null;
  addedToRoster: boolean;
}

export async function recordQianjiangOversight(store: Store, options: { period: string; actor: Actor; today: string }): Promise<QianjiangOversight> {
  const { knex } = store;
  const result: QianjiangOversight = { assistants: 0, uncoveredVillage: null, addedToRoster: false };
  const monthStart = `${options.period}-01`;
  if (!(await knex('village_assistants').where('township_code', 'like', `${county}%`).first('id'))) {
    const townships: { code: string; name: string }[] = await knex('regions').where('level', 'township').where('code', 'like', `${county}%`).orderBy('code').select('code', 'name');
    for (const [index, township] of townships.entries()) {
      const villages: string[] = (await knex('regions').where('level', 'village').where('parent_code', township.code).orderBy('code').select('code')).map((r: { code: string }) => r.code);
      // 城东街道's last community has no assistant yet.
      const covered = index === 0 ? villages.slice(0, -1) : villages;
      if (index === 0 && villages.length > 0) result.uncoveredVillage = villages[villages.length - 1]!;
      await createAssistant(knex, options.actor, {
        name: assistantNames[index % assistantNames.length]!, townshipCode: township.code, unit: `${township.name}（演示）`, villages: covered, since: monthStart,
      }, options.today);
      result.assistants += 1;
    }
  }
  const household = await knex('households').where('residence_region', 'like', `${county}%`).orderBy('id').offset(addedHouseholdIndex).first('id');
  // A repeated run leaves the roster as it is, without even the audit line an added-again household gets.
  const onRoster = household && (await knex('key_group_entries').where({ household_id: household.id }).first('id'));
  if (household && !onRoster) {
    const { created } = await addToKeyGroup(knex, options.actor, {
      householdId: Number(household.id), reason: '独居老人，子女外出务工，暂不符合救助条件，村（社区）每月走访（演示）', on: `${options.period}-10`,
    }, options.today);
    result.addedToRoster = created;
  }
  return result;
}
