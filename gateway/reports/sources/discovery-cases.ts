/**
 * The rows of 黔江区社会救助主动发现救助对象明细表 (seed 004 annex): the active-discovery cases of a region found in
 * the period, one row per case, in township order and then by discovery date. The texts are those the annex's
 * columns ask for; the codes behind them stay in the API (GET /v1/discoveries).
 */
import { dayLabel } from '../report-periods.js';
import { defineReportSource, type ReportRow } from '../report-source.js';
import { regionName } from './region-names.js';
import { codeName } from '../../store/reference-data/code-tables.js';
import { listDiscoveryCases, type DiscoveryCaseRow } from '../../store/repositories/discovery-cases.js';
import { findRegions } from '../../store/repositories/regions.js';
import type { DiscoveryMethod } from '../../../schemas/types/index.js';

/** Column 2's three values, as the annex's header lists them. */
const methodLabels: Record<DiscoveryMethod, string> = { 'home-visit': '走访发现', 'data-push': '信息推送发现', work: '工作发现' };

/**
 * Column 7 prints the annex's words: its list says 城乡低保 and 特困供养 where the assistance-type code table (what the
 * API and other reports print) says 最低生活保障金 and 特困人员供养金. The other six it lists are the code table's names.
 */
const seedAssistanceLabels: Readonly<Record<string, string>> = { dibao: '城乡低保', tekun: '特困供养' };

export function assistanceLabel(code: string): string {
  return seedAssistanceLabels[code] ?? codeName('assistance-type', code) ?? code;
}

const pageSize = 1000;

export default defineReportSource({
  name: 'discovery-cases',
  description: 'Active-discovery cases (主动发现) found in the period within the region, as the 004 annex prints them.',
  capability: 'readPersonalData',
  fields: {
    method: { type: 'text', description: '发现方式: 走访发现, 信息推送发现 or 工作发现' },
    discoverer: { type: 'text', description: '发现人, with their unit in brackets when recorded' },
    township: { type: 'text', description: '所属乡镇（街道）' },
    subjectName: { type: 'text', description: '对象姓名' },
    familySituation: { type: 'text', description: '家庭基本情况, with the number of members when known' },
    suspectedAssistance: { type: 'text', description: '疑似符合救助, in the annex\'s words, joined by 、' },
    investigation: { type: 'text', description: '乡镇（街道）调查情况: findings, investigator and date' },
    result: { type: 'text', description: '乡镇（街道）办理结果: 不符合救助条件, or 纳入救助范畴 with what and when; empty while the case is open' },
    notes: { type: 'text', description: '备注: the case\'s notes, and the reason recorded for an ineligible or observed family' },
    discoveredOn: { type: 'date', description: 'The date the case was discovered' },
  },
  async load(knex, request) {
    const cases: DiscoveryCaseRow[] = [];
    for (let afterId: number | undefined; ;) {
      const page = await listDiscoveryCases(knex, {
        scopeRegionCode: request.regionCode, discoveredFrom: request.period.from, discoveredTo: request.period.to, afterId, limit: pageSize,
      });
      cases.push(...page);
      if (page.length < pageSize) break;
      afterId = page.at(-1)!.id;
    }
    const townships = await findRegions(knex, [...new Set(cases.map((c) => c.townshipCode))]);
    cases.sort((a, b) => a.townshipCode.localeCompare(b.townshipCode) || a.discoveredOn.localeCompare(b.discoveredOn) || a.id - b.id);
    return {
      context: { region: await regionName(knex, request.regionCode), period: request.period.label },
      rows: cases.map((c): ReportRow => ({
        method: methodLabels[c.method],
        discoverer: withBrackets(c.discovererName, c.discovererUnit),
        township: townships.get(c.townshipCode)?.name ?? c.townshipCode,
        subjectName: c.subjectName,
        familySituation: c.familyMemberCount === null ? c.familySituation : `${c.familySituation}（家庭人口${c.familyMemberCount}人）`,
        suspectedAssistance: c.suspectedAssistance.map(assistanceLabel).join('、'),
        investigation: investigationText(c),
        result: resultText(c),
        notes: notesText(c),
        discoveredOn: c.discoveredOn,
      })),
      subjectPersonIds: [...new Set(cases.flatMap((c) => (c.personId === null ? [] : [c.personId])))],
    };
  },
});

function withBrackets(text: string, extra: string | null): string {
  return extra ? `${text}（${extra}）` : text;
}

function investigationText(c: DiscoveryCaseRow): string {
  if (c.investigatedOn === null) return '';
  const by = c.investigatorName ? withBrackets(c.investigatorName, c.investigatorUnit) : '';
  return `${c.investigationFindings ?? ''}（${[by, dayLabel(c.investigatedOn)].filter(Boolean).join('，')}调查）`;
}

/** Column 9 holds three things in one cell, as its header says: the result, what the family was included in, and when. */
function resultText(c: DiscoveryCaseRow): string {
  if (c.result === null) return '';
  if (c.result === 'ineligible') return '不符合救助条件';
  const what = (c.includedAssistance ?? []).map(assistanceLabel).join('、');
  const when = c.includedOn === null ? '' : `，纳入时间：${dayLabel(c.includedOn)}`;
  return `纳入救助范畴：${what || '（未列明）'}${when}`;
}

/**
 * 004 §二(四) asks that families found ineligible but in real hardship be kept on a ledger "备注不符合条件的理由": the
 * reason recorded with the conclusion goes here, after the case's own notes.
 */
function notesText(c: DiscoveryCaseRow): string {
  const parts = [c.notes ?? ''];
  if (c.filing === 'observation') parts.push(`列入救助观察${c.filingReason ? `：${c.filingReason}` : ''}`);
  else if (c.result === 'ineligible' && c.filingReason) parts.push(`不符合条件的理由：${c.filingReason}`);
  return parts.filter(Boolean).join('；');
}
