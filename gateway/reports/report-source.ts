import type { Knex } from 'knex';
import type { Actor } from '../access/actor.js';
import type { Capability, RolePolicy } from '../access/role-policy.js';
import type { Role } from '../../schemas/types/index.js';
import type { ReportPeriod } from './report-periods.js';

/** A cell as a source gives it: text, a number (fen for yuan columns, a share for percent ones), or nothing. */
export type ReportValue = string | number | null;

export type ReportRow = Readonly<Record<string, ReportValue>>;

export type ReportFieldType = 'text' | 'integer' | 'fen' | 'date' | 'share';

/** What the renderer's column formats may show a field as: a yuan column needs fen, a percent column a share. */
export const formatsOfFieldType: Readonly<Record<ReportFieldType, readonly string[]>> = {
  text: ['text'],
  integer: ['integer', 'text'],
  fen: ['yuan'],
  date: ['date', 'text'],
  share: ['percent'],
};

export interface ReportRequest {
  /** The region the report covers, already checked against the caller's scope. */
  regionCode: string;
  period: ReportPeriod;
  /** The reporting unit, for reports filed per unit. */
  unit?: string;
  /** Today in Asia/Shanghai: "overdue as of" for a period still running. */
  today: string;
  /** The caller's role policy: which personal fields a source may show in full. */
  policy: RolePolicy;
  /** The caller, its region narrowed to the one reported: sources built on views that scope and mask by key use it. */
  actor: Actor;
}

export interface ReportData {
  /** What title and footer lines may say: {region}, {period}, {unit}, and the source's own contextFields. */
  context: { region: string; period: string; unit?: string; [name: string]: string | undefined };
  rows: ReportRow[];
  /** Register persons whose data the rows show: the audit line names them (audit_subjects). */
  subjectPersonIds: number[];
}

/**
 * A named query that fills report templates (report-templates/*.json name it in `source`). It declares its fields,
 * so a template that names a field the source lacks is refused when templates load, not when a clerk runs it, and the
 * one capability a caller's role needs, as routes do (access/role-policy.ts).
 */
export interface ReportSource {
  name: string;
  description: string;
  fields: Readonly<Record<string, { type: ReportFieldType; description: string }>>;
  /** readPersonalData when rows name people; readFigures for counts. */
  capability: Capability;
  /**
   * The only roles that may take it, beyond the capability: oversight of the people who hold the capability (a
   * township's own 人情保 cases, its own decisions) goes to auditors and the bureau, not to the township itself.
   */
  roles?: readonly Role[];
  /** Placeholders the source fills beyond region, period and unit (e.g. a figures sentence), with what each says. */
  contextFields?: Readonly<Record<string, string>>;
  load(knex: Knex, request: ReportRequest): Promise<ReportData>;
}

/**
 * Who takes the reports that judge casework (人情保, benefits kept, changes without approval): auditors (审计/纪检) and
 * the county bureau's admins. Townships, whose own decisions the rows are, do not.
 */
export const oversightRoles: readonly Role[] = ['auditor', 'admin'];

export function defineReportSource(source: ReportSource): ReportSource {
  return source;
}
