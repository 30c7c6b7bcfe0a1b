/**
 * What the bank pays for a closed month, and what it says it paid. A closed roll becomes one payment per payee: the
 * net of the payee's lines (the month's benefit, less any 追回 deducted, plus any 补发), in line order, so the bank
 * file of a month is the same bytes at every export. The bank's return is imported as one batch: refused whole when a
 * line conflicts, idempotent when the same file comes again, and a failed or returned payment is paid again by the
 * next month's roll as 补发 (compile-roll.ts counts it as nothing paid).
 */
import type { Knex } from 'knex';
import type { Actor } from '../access/actor.js';
import { createSm3 } from '../crypto/sm3.js';
import type { DeliveryQueue } from '../deliveries/delivery-queue.js';
import { sealForQueue } from '../deliveries/reseal.js';
import { ProblemError } from '../errors.js';
import type { Exchange } from '../keystore/exchange.js';
import { keyringOf } from '../store/personal-data.js';
import { recordAudit } from '../store/repositories/audit-log.js';
import { linesOfRoll, type ClosedRoll } from '../store/repositories/payroll-rolls.js';
import { idNumbersOfPersons } from '../store/repositories/persons.js';
import { findRegions } from '../store/repositories/regions.js';
import { BankFileError, writeBankDisbursementFile, type BankPayment } from './bank-disbursement-file.js';
import type { BankFileLayout } from './bank-file-layouts.js';
import { BankReturnError, readBankReturnFile } from './bank-return-file.js';

/** A payment and the lines it pays, for the return's import (which household and payee a reference is). */
export interface RollPayment extends BankPayment {
  householdId: number;
  payeePersonId: number;
}

/** A payee the bank file leaves out, with why: nothing left to pay after a deduction, or no account to pay into. */
export interface UnpaidPayee {
  householdId: number;
  payeePersonId: number;
  payeeName: string;
  townshipCode: string;
  netFen: number;
  reason: string;
}

export interface RollPayments {
  payments: RollPayment[];
  unpaid: UnpaidPayee[];
  totalFen: number;
}

/** The payments of a closed roll, with ID numbers and accounts decrypted: only finance's exports ask for them. */
export async function paymentsOfRoll(knex: Knex, roll: ClosedRoll): Promise<RollPayments> {
  interface Payee { householdId: number; payeePersonId: number; payeeName: string; townshipCode: string; villageCode: string; netFen: number; bank: { bankName: string; accountName: string; accountCipher: string } | null }
  const payees = new Map<string, Payee>();
  for await (const lines of linesOfRoll(knex, roll.id)) {
    for (const line of lines) {
      const key = `${line.householdId}|${line.payeePersonId}`;
      const payee = payees.get(key) ?? payees.set(key, {
        householdId: line.householdId, payeePersonId: line.payeePersonId, payeeName: line.payeeName, townshipCode: line.townshipCode, villageCode: line.villageCode, netFen: 0, bank: null,
      }).get(key)!;
      payee.netFen += line.totalFen;
      payee.bank ??= line.bank;
    }
  }
  const payable = [...payees.values()].filter((p) => p.netFen > 0 && p.bank);
  const keyring = keyringOf(knex);
  const accounts = await keyring.decryptMany(payable.map((p) => p.bank!.accountCipher));
  const idOf = await idNumbersOfPersons(knex, payable.map((p) => p.payeePersonId));
  const month = roll.month.replace('-', '');
  const payments = payable.map((p, index): RollPayment => ({
    reference: `${month}-${String(index + 1).padStart(6, '0')}`,
    accountNumber: accounts[index]!, accountName: p.bank!.accountName, idNumber: idOf.get(p.payeePersonId) ?? '', bankName: p.bank!.bankName,
    amountFen: p.netFen, regionCode: p.villageCode, memo: `${roll.month.slice(0, 4)}年${Number(roll.month.slice(5))}月社会救助金`,
    householdId: p.householdId, payeePersonId: p.payeePersonId,
  }));
  const unpaid = [...payees.values()].filter((p) => p.netFen <= 0 || !p.bank).map((p) => ({
    householdId: p.householdId, payeePersonId: p.payeePersonId, payeeName: p.payeeName, townshipCode: p.townshipCode, netFen: p.netFen,
    reason: p.netFen <= 0 ? (p.netFen < 0 ? '追回额大于本月应发，余额待追回' : '本月无应发') : '无发放账户',
  }));
  return { payments, unpaid, totalFen: payments.reduce((sum, p) => sum + p.amountFen, 0) };
}

/** The bank's disbursement file of a closed roll: its header declares the count and total, checked again after writing. */
export async function bankFileOfRoll(knex: Knex, roll: ClosedRoll, layout: BankFileLayout, payerName: string): Promise<{ bytes: Buffer; payments: RollPayments }> {
  const payments = await paymentsOfRoll(knex, roll);
  const bytes = writeOrRefuse(() => writeBankDisbursementFile(
    layout,
    { month: roll.month, batchReference: `${roll.countyCode}-${roll.month.replace('-', '')}`, payerName },
    payments.payments,
    { count: payments.payments.length, totalFen: payments.totalFen },
  ));
  return { bytes, payments };
}

/** A payment the layout cannot carry (a name outside GBK, a value too wide) is a problem of the data, said in one sentence. */
function writeOrRefuse(write: () => Buffer): Buffer {
  try {
    return write();
  } catch (error) {
    if (error instanceof BankFileError) throw new ProblemError('payroll-not-ready', error.message);
    throw error;
  }
}

export interface BankReturnImport {
  returnId: number;
  duplicate: boolean;
  paid: number;
  failed: number;
  returned: number;
  /** Payments the bank has not answered yet, in any file. */
  unanswered: number;
}

/** What a later file may say of a payment already answered: a credited payment may come back (退票); nothing else changes. */
function allowedChange(from: string, to: string): boolean {
  return from === to || (from === 'paid' && to === 'returned');
}

export async function importBankReturn(knex: Knex, actor: Actor, roll: ClosedRoll, layout: BankFileLayout, bytes: Buffer, fileName: string | null, now: Date): Promise<BankReturnImport> {
  const fileSm3 = createSm3().update(bytes).digest('hex');
  const earlier = await knex('payroll_bank_returns').where('file_sm3', fileSm3).first();
  if (earlier) {
    return { returnId: Number(earlier.id), duplicate: true, paid: Number(earlier.paid), failed: Number(earlier.failed), returned: Number(earlier.returned), unanswered: await unansweredCount(knex, roll) };
  }
  const { payments } = await paymentsOfRoll(knex, roll);
  const sent = new Map(payments.map((p) => [p.reference, p]));
  let parsed: ReturnType<typeof readBankReturnFile>;
  try {
    parsed = readBankReturnFile(layout, bytes, sent);
  } catch (error) {
    if (!(error instanceof BankReturnError)) throw error;
    throw new ProblemError('bank-return-refused', `${fileName ?? 'the file'}: ${error.message}`, error.problems.slice(0, 100).map((p) => ({ parameter: `line ${p.line}`, detail: p.reason })));
  }
  const answered = new Map<string, { status: string; id: number }>(
    (await knex('payroll_bank_results').where('roll_id', roll.id).select('reference', 'status', 'id')).map((r) => [r.reference as string, { status: r.status as string, id: Number(r.id) }]),
  );
  const conflicts = parsed.lines.filter((l) => answered.has(l.reference) && !allowedChange(answered.get(l.reference)!.status, l.status));
  if (conflicts.length > 0) {
    throw new ProblemError('bank-return-refused', `${fileName ?? 'the file'}: ${conflicts.length} line(s) contradict what an earlier return said of the same payment`,
      conflicts.slice(0, 100).map((c) => ({ parameter: `line ${c.lineNumber}`, detail: `${c.reference} was ${answered.get(c.reference)!.status}, now ${c.status}` })));
  }
  const counts = { paid: 0, failed: 0, returned: 0 };
  for (const line of parsed.lines) counts[line.status] += 1;
  const returnId = await knex.transaction(async (trx) => {
    const [inserted] = await trx('payroll_bank_returns')
      .insert({ roll_id: roll.id, layout: layout.name, file_sm3: fileSm3, file_name: fileName, ...counts, imported_at: now.toISOString(), imported_by: actor.label })
      .returning('id');
    const id = Number((inserted as { id: number }).id);
    for (const line of parsed.lines) {
      const payment = sent.get(line.reference)!;
      const before = answered.get(line.reference);
      if (before?.status === line.status) continue;
      if (before) {
        await trx('payroll_bank_results').where('id', before.id).update({ return_id: id, status: line.status, reason: line.reason });
      } else {
        await trx('payroll_bank_results').insert({
          return_id: id, roll_id: roll.id, household_id: payment.householdId, payee_person_id: payment.payeePersonId, reference: line.reference,
          status: line.status, reason: line.reason, amount_fen: payment.amountFen,
        });
      }
    }
    await recordAudit(trx, actor, {
      action: 'payroll.bank-return', outcome: 'ok', resourceType: 'payroll-roll', resourceId: `${roll.countyCode}/${roll.month}`, regionCode: roll.countyCode,
      detail: `${fileName ?? 'return file'} SM3 ${fileSm3}: ${counts.paid} paid, ${counts.failed} failed, ${counts.returned} returned`,
    });
    return id;
  });
  return { returnId, duplicate: false, ...counts, unanswered: await unansweredCount(knex, roll, payments.length) };
}

async function unansweredCount(knex: Knex, roll: ClosedRoll, payments?: number): Promise<number> {
  const total = payments ?? (await paymentsOfRoll(knex, roll)).payments.length;
  const answered = await knex('payroll_bank_results').where('roll_id', roll.id).count({ n: '*' }).first();
  return total - Number(answered?.n ?? 0);
}

/** The delivery kind of a bank file in the queue (deliveries.kind). */
export const bankFileDeliveryKind = 'bank-disbursement';

/**
 * Queues the bank file for the paying bank (a registered partner): stored sealed to ourselves and sealed for the bank
 * at each attempt, in the bank's format (OpenPGP or a GM/T 0010 envelope, reseal.ts); delivered by the queue's rounds.
 */
export async function queueBankFile(
  deps: { knex: Knex; exchange: Exchange; queue: DeliveryQueue },
  actor: Actor,
  roll: ClosedRoll,
  layout: BankFileLayout,
  partnerId: string,
): Promise<{ deliveryId: number; count: number; totalFen: number; sm3: string }> {
  const partner = await deps.exchange.partners.get(partnerId).catch(() => undefined);
  if (!partner) throw new ProblemError('unknown-partner', `no partner "${partnerId}": register the bank first (jiuzhu partners add)`, [{ in: 'body', pointer: '/partner', detail: 'not a registered partner' }]);
  if (!partner.endpointUrl) throw new ProblemError('unknown-partner', `partner "${partnerId}" has no endpoint to deliver to`, [{ in: 'body', pointer: '/partner', detail: 'no endpoint URL' }]);
  const { bytes, payments } = await bankFileOfRoll(deps.knex, roll, layout, await payerNameOf(deps.knex, roll.countyCode));
  const deliveryId = await deps.queue.enqueue({ target: partnerId, kind: bankFileDeliveryKind, period: roll.month, payload: await sealForQueue(deps.exchange, bytes) });
  const sm3 = createSm3().update(bytes).digest('hex');
  await recordAudit(deps.knex, actor, {
    action: 'payroll.bank-file.queue', outcome: 'ok', resourceType: 'delivery', resourceId: String(deliveryId), regionCode: roll.countyCode,
    detail: `${roll.countyCode}/${roll.month} to ${partnerId} as ${layout.name}: ${payments.payments.length} payments, ${payments.totalFen} fen, SM3 ${sm3}`,
    subjectPersonIds: payments.payments.map((p) => p.payeePersonId),
  });
  return { deliveryId, count: payments.payments.length, totalFen: payments.totalFen, sm3 };
}

/** The paying unit a bank file's header names: the county's civil-affairs bureau. */
export async function payerNameOf(knex: Knex, countyCode: string): Promise<string> {
  return `${(await findRegions(knex, [countyCode])).get(countyCode)?.fullName ?? countyCode}民政局`;
}
