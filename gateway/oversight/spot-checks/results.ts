/**
 * Recording what checking a sampled item found: 合格 (passed), 存在问题 (problem, with what was found) or 无法核查
 * (unverifiable), who checked and on what day. A result is never overwritten: correcting one adds a new version
 * with its reason, so the history of what was reported stays readable. Audited inside the transaction.
 */
import type { Knex } from 'knex';
import type { Actor } from '../../access/actor.js';
import { isWithinScope } from '../../access/region-scope.js';
import { requireCapability } from '../../access/role-policy.js';
import { todayInShanghai } from '../../calendar/shanghai-date.js';
import { checkDoneOn, fieldProblem } from '../../casework/casework-dates.js';
import { ProblemError } from '../../errors.js';
import { recordAudit } from '../../store/repositories/audit-log.js';
import {
  findRedrawOf, findSpotCheckDraw, insertSpotCheckResult, lockSpotCheckItem, resultsOfItems, type SpotCheckResultRow,
} from '../../store/repositories/spot-checks.js';
import { supersededProblem } from './draws.js';
import { headPersonIds } from './household-heads.js';

export interface ResultInput {
  result: SpotCheckResultRow['result'];
  findings?: string;
  checker: string;
  checkedOn: string;
  reason?: string;
}

/** Records (or, with a reason, corrects) the result of one item of a current draw, within the actor's region. */
export async function recordSpotCheckResult(
  knex: Knex, actor: Actor, drawId: number, itemId: number, input: ResultInput, options: { today: string; now?: Date },
): Promise<void> {
  requireCapability(actor, 'recordSpotCheckResults');
  const draw = await findSpotCheckDraw(knex, drawId);
  const notFound = new ProblemError('not-found', `no item ${itemId} of spot-check draw ${drawId} within ${actor.regionCode}`);
  if (!draw) throw notFound;
  if (input.result === 'problem' && !input.findings?.trim()) throw fieldProblem('/findings', 'a result of 存在问题 says what was found');
  const drawnOn = todayInShanghai(new Date(draw.drawnAt));
  checkDoneOn('/checkedOn', input.checkedOn, options.today, { date: drawnOn, what: 'the sample was drawn' });
  const recordedAt = (options.now ?? new Date()).toISOString();
  await knex.transaction(async (trx) => {
    const item = await lockSpotCheckItem(trx, drawId, itemId);
    if (!item || !isWithinScope(actor.regionCode, item.townshipCode)) throw notFound;
    const current = await findSpotCheckDraw(trx, drawId);
    if (current!.supersededAt !== null) throw supersededProblem(current!, await findRedrawOf(trx, drawId));
    const history = await resultsOfItems(trx, [item.id]);
    const previous = history.at(-1);
    const reason = input.reason?.trim() || null;
    if (previous && reason === null) {
      throw fieldProblem('/reason', `item ${itemId} already has a result (${previous.result}, ${previous.checkedOn}): a correction says why`);
    }
    if (!previous && reason !== null) throw fieldProblem('/reason', 'only a correction of an earlier result has a reason');
    const version = (previous?.version ?? 0) + 1;
    await insertSpotCheckResult(trx, {
      itemId: item.id, version, result: input.result, findings: input.findings?.trim() || null, checker: input.checker,
      checkedOn: input.checkedOn, correctionReason: reason, recordedBy: actor.label, recordedAt,
    });
    await recordAudit(trx, actor, {
      action: previous ? 'spot-check.result-correct' : 'spot-check.result', outcome: 'ok', resourceType: 'spot-check-item', resourceId: String(item.id),
      regionCode: item.townshipCode, subjectPersonIds: await headPersonIds(trx, item.householdId === null ? [] : [item.householdId]),
      detail: `draw ${drawId} ${item.itemRef}: ${previous ? `${previous.result} → ` : ''}${input.result} on ${input.checkedOn}${reason ? `: ${reason}` : ''}`,
    });
  });
}
