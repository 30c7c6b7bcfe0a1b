/**
 * A county's month of payment, as townships, the bureau and finance act on it (seed 002: 各乡镇(街道)……按时完成月结发放册;
 * 民政局……及时完成救助对象月结数据): the totals of the roll by township, a township's submission of its part, the
 * bureau's closing — the lines stored for good, the canonical document digested with SM3 and signed with SM2 — and the
 * document itself, written again byte for byte from the stored lines whenever it is asked for.
 */
import type { Knex } from 'knex';
import type { Actor } from '../access/actor.js';
import { isWithinScope } from '../access/region-scope.js';
import { addMonths } from '../calendar/periods.js';
import { createSm2MessageHash, sm2SignDigest, type Sm2Signer } from '../crypto/sm2.js';
import { createSm3 } from '../crypto/sm3.js';
import { ProblemError } from '../errors.js';
import { keyringOf } from '../store/personal-data.js';
import { recordAudit } from '../store/repositories/audit-log.js';
import {
  findClosedRoll, insertClosedRoll, insertRollChanges, insertRollLines, latestClosedRollBefore, linesOfRoll, submissionsOf, upsertSubmission, type ClosedRoll,
} from '../store/repositories/payroll-rolls.js';
import { idNumbersOfPersons } from '../store/repositories/persons.js';
import { findRegions } from '../store/repositories/regions.js';
import { standardsFor, type StandardsBook } from './benefit-standards.js';
import { compileRoll, standardsDigest, type CompiledPage } from './compile-roll.js';
import { addToTotals, rollDocumentHead, rollDocumentLine } from './roll-document.js';
import { rollPages } from './roll-pages.js';
import { emptyTotals, type RollLine, type RollProblem, type RollTotals } from './roll-types.js';
import type { PayrollSubmission, PayrollSummary, PayrollTownshipTotals } from '../../schemas/types/index.js';

/** The shapes the API answers with, generated from schemas/payroll-summary and payroll-submission. */
export type { PayrollSubmission, PayrollSummary, PayrollTownshipTotals };

/** The county whose roll a region belongs to: the first six digits of a county, township or village code. */
export function countyOf(regionCode: string): string {
  return regionCode.slice(0, 6);
}

function checkStandards(book: StandardsBook, countyCode: string, month: string): void {
  try {
    standardsFor(book, countyCode, month);
  } catch (error) {
    throw new ProblemError('payroll-standards-missing', (error as Error).message);
  }
}

/** Totals of the roll (of one township when `townshipCode`), by township. */
export async function summariseRoll(knex: Knex, book: StandardsBook, countyCode: string, month: string, townshipCode?: string): Promise<PayrollSummary> {
  checkStandards(book, countyCode, month);
  const { closed, pages } = await rollPages(knex, countyCode, month, book);
  const totals = emptyTotals();
  const byTownship = new Map<string, { totals: RollTotals; households: Set<number> }>();
  const households = new Set<number>();
  const problems: RollProblem[] = [];
  for await (const page of pages) {
    for (const line of page.lines) {
      if (townshipCode && line.townshipCode !== townshipCode) continue;
      addToTotals(totals, line, month, households);
      const township = byTownship.get(line.townshipCode) ?? byTownship.set(line.townshipCode, { totals: emptyTotals(), households: new Set() }).get(line.townshipCode)!;
      addToTotals(township.totals, line, month, township.households);
    }
    problems.push(...page.problems.filter((p) => !townshipCode || p.townshipCode === townshipCode));
  }
  const names = await findRegions(knex, [...byTownship.keys()]);
  return {
    month, countyCode, status: closed ? 'closed' : 'open', households: totals.households, persons: totals.persons, lines: totals.lines, totalFen: totals.totalFen,
    byTownship: [...byTownship.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([code, t]) => ({
      code, name: names.get(code)?.name ?? code, households: t.totals.households, persons: t.totals.persons, totalFen: t.totals.totalFen,
    })),
    problems,
    closed: closed ? { closedAt: closed.closedAt, closedBy: closed.closedBy, documentSm3: closed.documentSm3, keyId: closed.keyId } : null,
  };
}

/**
 * What a township hands in: the digest of its lines as computed now. The bureau's closing recomputes them and refuses
 * when a township's digest no longer matches — the register changed after the township looked, and it must look again.
 */
function townshipLinesDigest(): { add(line: RollLine): void; hex(): string } {
  const sm3 = createSm3();
  return {
    add: (l) => void sm3.update(`${l.forMonth}|${l.programme}|${l.householdId}|${l.payeePersonId}|${l.category}|${l.personsCovered}|${l.basicFen}|${l.addOnFen}|${l.careFen}|${l.totalFen}|${l.changeMark ?? ''}\n`),
    hex: () => sm3.digest('hex'),
  };
}

export async function submitTownshipRoll(knex: Knex, actor: Actor, book: StandardsBook, month: string, townshipCode: string, now: Date): Promise<PayrollSubmission> {
  if (!/^\d{9}$/.test(townshipCode)) throw new ProblemError('validation-failed', `"${townshipCode}" is not a township code`, [{ in: 'path', parameter: 'township', detail: 'must be 9 digits' }]);
  if (!isWithinScope(actor.regionCode, townshipCode)) throw new ProblemError('out-of-scope', `township ${townshipCode} is outside this key's region ${actor.regionCode}`);
  const countyCode = countyOf(townshipCode);
  checkStandards(book, countyCode, month);
  if (await findClosedRoll(knex, countyCode, month)) throw new ProblemError('payroll-closed', `the roll of ${countyCode} for ${month} is closed`);
  const digest = townshipLinesDigest();
  const households = new Set<number>();
  const totals = emptyTotals();
  for await (const page of compileRoll(knex, { countyCode, month, book })) {
    for (const line of page.lines) {
      if (line.townshipCode !== townshipCode) continue;
      digest.add(line);
      addToTotals(totals, line, month, households);
    }
  }
  const submission = {
    countyCode, month, townshipCode, households: totals.households, totalFen: totals.totalFen, linesSm3: digest.hex(),
    submittedAt: now.toISOString(), submittedBy: actor.label,
  };
  await knex.transaction(async (trx) => {
    await upsertSubmission(trx, submission);
    await recordAudit(trx, actor, {
      action: 'payroll.submit', outcome: 'ok', resourceType: 'payroll-roll', resourceId: `${countyCode}/${month}/${townshipCode}`, regionCode: townshipCode,
      detail: `${totals.households} households, ${totals.lines} lines, ${totals.totalFen} fen, lines SM3 ${submission.linesSm3}`,
    });
  });
  return { month, townshipCode, households: totals.households, totalFen: totals.totalFen, linesSm3: submission.linesSm3, submittedAt: submission.submittedAt };
}

export interface SigningKey {
  id: string;
  signer: Sm2Signer;
}

/**
 * Closes the county's month: every township with lines must have submitted exactly these lines; the month before
 * must be closed (once the county has any closed roll), so 渐退 counts and supplementary lines build on what was
 * paid. In one transaction: the lines and the change list are stored, the document is written from the stored lines,
 * digested and signed, and the roll row completed. A crash leaves nothing behind.
 */
export async function closeRoll(knex: Knex, actor: Actor, book: StandardsBook, countyCode: string, month: string, signingKey: SigningKey, now: Date): Promise<ClosedRoll> {
  if (!isWithinScope(actor.regionCode, countyCode)) throw new ProblemError('out-of-scope', `closing the roll of ${countyCode} takes a key of the county (民政局), not of ${actor.regionCode}`);
  checkStandards(book, countyCode, month);
  const roll = await knex.transaction(async (trx) => {
    if (await findClosedRoll(trx, countyCode, month)) throw new ProblemError('payroll-closed', `the roll of ${countyCode} for ${month} is already closed`);
    const later = await trx('payroll_rolls').where('county_code', countyCode).andWhere('month', '>', month).first('month');
    if (later) throw new ProblemError('payroll-closed', `${later.month} is already closed: ${month} can no longer close, and what it owes goes on a later month's 补发`);
    const earlier = await latestClosedRollBefore(trx, countyCode, month);
    if (earlier && earlier.month !== addMonths(month, -1)) {
      throw new ProblemError('payroll-not-ready', `the roll of ${addMonths(month, -1)} is not closed: months close in order (the last closed is ${earlier.month})`);
    }
    const submissions = new Map((await submissionsOf(trx, countyCode, month)).map((s) => [s.townshipCode, s]));
    const closedAt = now.toISOString();
    const rollId = await insertClosedRoll(trx, {
      countyCode, month, households: 0, persons: 0, lines: 0, totalFen: 0, standardsSm3: standardsDigest(book, countyCode, month),
      documentSm3: '', signature: '', keyId: '', closedAt, closedBy: actor.label,
    });
    // A digest per township, kept as the lines pass: a province's roll is never held whole in memory.
    const byTownship = new Map<string, ReturnType<typeof townshipLinesDigest>>();
    const totals = emptyTotals();
    const households = new Set<number>();
    for await (const page of compileRoll(trx as unknown as Knex, { countyCode, month, book })) {
      await insertRollLines(trx, rollId, page.lines);
      await insertRollChanges(trx, rollId, page.changes);
      for (const line of page.lines) {
        addToTotals(totals, line, month, households);
        (byTownship.get(line.townshipCode) ?? byTownship.set(line.townshipCode, townshipLinesDigest()).get(line.townshipCode)!).add(line);
      }
    }
    const unready = [...byTownship.entries()].flatMap(([code, digest]) => {
      const submission = submissions.get(code);
      if (!submission) return [{ parameter: code, detail: 'has not submitted its roll' }];
      if (submission.linesSm3 !== digest.hex()) return [{ parameter: code, detail: `its lines changed after it submitted at ${submission.submittedAt}: it must submit again` }];
      return [];
    });
    if (unready.length > 0) throw new ProblemError('payroll-not-ready', `${unready.length} township(s) are not ready: ${unready.map((u) => `${u.parameter} ${u.detail}`).join('; ')}`, unready);

    const digest = createSm3();
    const signed = createSm2MessageHash(signingKey.signer.publicKey);
    await writeRollDocument(trx as unknown as Knex, { id: rollId, countyCode, month, totals }, (chunk) => {
      digest.update(chunk);
      signed.update(chunk);
    });
    const documentSm3 = digest.digest('hex');
    const signature = sm2SignDigest(signed.digest(), signingKey.signer).toString('base64');
    await trx('payroll_rolls').where({ id: rollId, signature: '' }).update({
      households: totals.households, persons: totals.persons, lines: totals.lines, total_fen: totals.totalFen, document_sm3: documentSm3, signature, key_id: signingKey.id,
    });
    await recordAudit(trx, actor, {
      action: 'payroll.close', outcome: 'ok', resourceType: 'payroll-roll', resourceId: `${countyCode}/${month}`, regionCode: countyCode,
      detail: `${totals.households} households, ${totals.persons} persons, ${totals.lines} lines, ${totals.totalFen} fen; document SM3 ${documentSm3}, signed by ${signingKey.id}`,
    });
    return (await findClosedRoll(trx, countyCode, month))!;
  });
  return roll;
}

export type ChunkSink = (chunk: Buffer) => void;

/**
 * Writes the canonical document of a closed roll from its stored lines, with ID numbers and accounts in full: the
 * signed bytes. Only callers whose role sees both in full (finance) and the operator's own CLI may ask for it.
 */
export async function writeRollDocument(knex: Knex, roll: { id: number; countyCode: string; month: string; totals: RollTotals }, sink: ChunkSink): Promise<void> {
  sink(Buffer.from(rollDocumentHead(roll.countyCode, roll.month, roll.totals)));
  const keyring = keyringOf(knex);
  for await (const lines of linesOfRoll(knex, roll.id)) {
    const idOf = await idNumbersOfPersons(knex, lines.map((l) => l.payeePersonId));
    const accounts = await keyring.decryptMany(lines.map((l) => l.bank?.accountCipher ?? null));
    sink(Buffer.from(lines.map((line, index) => rollDocumentLine(roll.month, { line, idNumber: idOf.get(line.payeePersonId) ?? '', accountNumber: accounts[index] ?? '' })).join('')));
  }
}

/** The closed roll's totals as its document's head states them. */
export function totalsOfClosedRoll(roll: ClosedRoll): RollTotals {
  return { households: roll.households, persons: roll.persons, lines: roll.lines, totalFen: roll.totalFen, basicFen: 0, addOnFen: 0, careFen: 0 };
}

export type { CompiledPage };
