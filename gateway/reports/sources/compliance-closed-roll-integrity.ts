/**
 * 已结账发放册完整性核验表 for auditors: every closed roll of the counties within the region up to the month asked,
 * intact ones included (an empty report would not tell "checked and intact" from "nothing checked"), each with
 * whether its stored lines still give the signed document (oversight/roll-integrity.ts). No personal data is shown.
 */
import type { Knex } from 'knex';
import { checkRollIntegrity, type IntegrityStatus } from '../../oversight/roll-integrity.js';
import { findClosedRoll, type ClosedRoll } from '../../store/repositories/payroll-rolls.js';
import { defineReportSource, type ReportRow } from '../report-source.js';
import { placeNames } from './payroll-reading.js';
import { regionName } from './region-names.js';
import { shanghaiMinute } from '../../calendar/shanghai-date.js';

const statusText: Readonly<Record<IntegrityStatus, string>> = {
  intact: '一致',
  'digest-mismatch': '不一致：明细与摘要不符',
  'signature-invalid': '不一致：签名验证失败',
  'key-missing': '无法验证：签名密钥缺失',
};

const actionText: Readonly<Record<IntegrityStatus, string>> = {
  intact: '',
  'digest-mismatch': '结账后发放明细被改动：以结账时下载的签名文档为准核对明细，查数据库操作记录',
  'signature-invalid': '摘要被改写或签名被替换：以结账时公布的摘要和签名为准，查数据库操作记录',
  'key-missing': '签名密钥记录缺失或被改动：核对密钥指纹，查密钥操作审计',
};

export default defineReportSource({
  name: 'compliance-closed-roll-integrity',
  description: 'Every closed roll of the region up to the month: whether the document written again from its stored lines still has the stored SM3 digest and the SM2 signature verifies.',
  capability: 'readPersonalData',
  contextFields: { figures: 'How many closed rolls were checked and how many do not match' },
  fields: {
    county: { type: 'text', description: '县（市、区）: the roll\'s county' },
    month: { type: 'text', description: '月份: the roll\'s month, YYYY-MM' },
    closedAt: { type: 'text', description: '结账时间, Shanghai time (YYYY-MM-DD HH:MM)' },
    lines: { type: 'integer', description: '明细条数 as stored at closing' },
    totalFen: { type: 'fen', description: '发放总额 as stored at closing, fen' },
    status: { type: 'text', description: '核验结果: 一致; 不一致：明细与摘要不符; 不一致：签名验证失败; 无法验证：签名密钥缺失' },
    storedSm3: { type: 'text', description: '存储摘要: the SM3 stored at closing' },
    recomputedSm3: { type: 'text', description: '重算摘要: the SM3 of the document written again from the stored lines' },
    keyFingerprint: { type: 'text', description: '签名密钥指纹: of the public key the signature was checked with' },
    action: { type: 'text', description: '处理建议: what the auditor is asked to do; empty when intact' },
  },
  async load(knex, request) {
    const month = request.period.text;
    const countyPrefix = request.regionCode.slice(0, 6);
    const rolls = await rollsUpTo(knex, countyPrefix, month);
    const checked = [];
    for (const roll of rolls) checked.push(await checkRollIntegrity(knex, roll));
    const names = await placeNames(knex, rolls.map((r) => r.countyCode));
    const failures = checked.filter((c) => c.status !== 'intact').length;
    return {
      context: { region: await regionName(knex, request.regionCode), period: request.period.label, figures: `核验已结账发放册${checked.length}份，不一致或无法验证${failures}份` },
      rows: checked.map((c): ReportRow => ({
        county: names(c.roll.countyCode), month: c.roll.month, closedAt: shanghaiMinute(c.roll.closedAt), lines: c.roll.lines, totalFen: c.roll.totalFen,
        status: statusText[c.status], storedSm3: c.roll.documentSm3, recomputedSm3: c.recomputedSm3, keyFingerprint: c.keyFingerprint, action: actionText[c.status],
      })),
      subjectPersonIds: [],
    };
  },
});

async function rollsUpTo(knex: Knex, countyPrefix: string, month: string): Promise<ClosedRoll[]> {
  const rows: { county_code: string; month: string }[] = await knex('payroll_rolls').where('county_code', 'like', `${countyPrefix}%`)
    .andWhere('month', '<=', month).andWhereNot('signature', '').orderBy(['county_code', 'month']).select('county_code', 'month');
  const out: ClosedRoll[] = [];
  for (const row of rows) {
    const roll = await findClosedRoll(knex, row.county_code, row.month);
    if (roll) out.push(roll);
  }
  return out;
}
