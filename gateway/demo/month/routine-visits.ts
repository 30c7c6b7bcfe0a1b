import type { Actor } from '../../access/actor.js';
import { isWeekend, dayNumberOf } from '../../calendar/working-days.js';
import { lastDayOfPeriod } from '../../calendar/periods.js';
import { recordVisit } from '../../casework/home-visits.js';
import type { Store } from '../../store/connect.js';
import { SeededRandom } from '../seeded-random.js';

/** The share of households the demo's rounds miss, so the overdue lists and supervision have something real to show. */
const missedShare = 0.03;

/**
 * The month's routine visits (走访): township staff visit nearly every household with assistance in force on a weekday
 * of the month, as the visit frequencies ask; a few percent are missed. Without them a demo county seeded years
 * back would show every household overdue. Visit ids are fixed per month and household, so a repeated run records
 * nothing twice.
 */
export async function recordRoutineVisits(store: Store, options: { countyCode: string; period: string; actor: Actor; seed: number; today: string }): Promise<{ visited: number; missed: number }> {
  const periodEnd = lastDayOfPeriod(options.period);
  const households = (await store.knex('households as h')
    .whereExists((q) => q.select(store.knex.raw('1')).from('enrolments as e').whereRaw('e.household_id = h.id')
      .andWhere('e.start_date', '<=', periodEnd).andWhere((r) => r.whereNull('e.end_date').orWhere('e.end_date', '>=', `${options.period}-01`)))
    .andWhere('h.residence_region', 'like', `${options.countyCode}%`)
    .orderBy('h.id')
    .select('h.id', 'h.residence_region')) as { id: number; residence_region: string }[];
  const random = new SeededRandom(options.seed + 17);
  const lastDay = Number(periodEnd.slice(8));
  let visited = 0;
  let missed = 0;
  for (const household of households) {
    if (random.chance(missedShare)) {
      missed += 1;
      continue;
    }
    let day = random.integerBetween(1, lastDay);
    while (isWeekend(dayNumberOf(`${options.period}-${String(day).padStart(2, '0')}`))) day = day === lastDay ? 1 : day + 1;
    await recordVisit(store.knex, options.actor, {
      visitId: `demo-round-${options.period}-${household.id}`,
      householdId: household.id,
      visitor: { kind: 'township-staff', name: '社会救助服务站', unit: '社会救助服务站' },
      visitedOn: `${options.period}-${String(day).padStart(2, '0')}`,
      kind: random.chance(0.8) ? 'home' : 'phone',
      findings: '例行走访，家庭情况无明显变化',
      hardshipFound: false,
    }, options.today);
    visited += 1;
  }
  return { visited, missed };
}
