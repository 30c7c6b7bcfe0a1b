/**
 * The filing round (填报) as services for the reports built on it (gateway/reports/): plain typed rows read from the
 * store, with no access checks and no rendering — the report engine scopes them to the key's region and lays them out.
 *
 * - combinedProgressSheet: the month's combined sheet, every task × every unit reporting on it, with text and status;
 * - unitProgressSheet: one unit's sheet of the month, with last month's text beside each task;
 * - liaisonRoster: 附件1, each unit's 分管领导 and 工作人员 (phones in full: mask them for roles that may not see them);
 * - filingCompleteness: each unit's sheet filed on time, late, incomplete or missing, and approved or not;
 * - quarterlySummaries: each unit's 季度工作小结 of a quarter, filed or not.
 */
export { loadFilingProgrammes, tasksFiledBy, unitRegion, unitsOf, type FilingProgramme, type FilingProgrammes, type FilingTask, type FilingUnit } from './filing-programme.js';
export { progressDeadline, rosterDeadline, summaryDeadline, timelinessOf, type ReturnDeadline, type Timeliness } from './filing-calendar.js';
export { combinedProgressSheet, filingCompleteness, unitProgressSheet, type CombinedProgressRow } from './progress-sheets.js';
export { liaisonRoster } from './liaison-roster.js';
export { quarterlySummaries } from './quarterly-summaries.js';
export { progressFormLayout, type ProgressFormColumn } from './progress-form.js';
export type { FilingCompletenessRow, LiaisonRosterRow, ProgrammeCompleteness, ProgrammeQuarterlySummaries, ProgressSheet, QuarterlySummaryRow } from '../../schemas/types/index.js';
