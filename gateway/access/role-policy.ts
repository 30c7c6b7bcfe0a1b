import type { Role } from '../../schemas/types/index.js';
import { ProblemError } from '../errors.js';
import type { Actor } from './actor.js';

/** What a role may do. Each route names the one capability it needs (route-access.ts); the auth hook checks it. */
export interface RoleCapabilities {
  /** May read persons and households (姓名, 地址, 家庭成员 …) and the casework about them. */
  readPersonalData: boolean;
  /** May add or change households, persons and enrolments within its region, and work warnings and cases. */
  writeRegister: boolean;
  /** May upload department feeds (a batch is bounded by the key's region). */
  importFeeds: boolean;
  /** May read batches and the rows they refused: the people who fix feeds, and those who audit them. */
  readFeedBatches: boolean;
  /** May start a comparison run over its region (数据比对). */
  runComparisons: boolean;
  /** May read counts (statistics) and the region list: every role, liaison officers included. */
  readFigures: boolean;
  /** May read the filing round (填报): progress sheets, who has not filed, the liaison roster, quarterly summaries. */
  readReturns: boolean;
  /** May file returns (填报), and for which units (gateway/filing/filing-access.ts). */
  fileReturns: false | FilingReach;
  /** May approve and reopen units' progress sheets, and as whom. */
  approveReturns: false | ApprovalReach;
  /** May submit a township's monthly roll (月结发放册) to the bureau: the township compiles it (seed 002). */
  submitRoll: boolean;
  /** May close a county's month and sign its roll: the civil-affairs bureau (民政局……完成救助对象月结数据). */
  closeRoll: boolean;
  /** May export the bank's disbursement file, take the signed roll document and import the bank's return: finance. */
  payRoll: boolean;
  /** May read 督办, written reminders and what is overdue (who owes what): the county, townships and auditors. */
  readSupervision: boolean;
  /** May issue 督办 and written reminders (书面提醒): the county bureau, with a key of the county (区级预警督办, seed 001). */
  superviseCasework: boolean;
  /** May record a township's 正当理由 on a 督办 addressed to it. */
  answerSupervision: boolean;
  /**
   * May draw a spot-check sample (抽查) of its region and redraw one with a reason: the bureau or a township office
   * (seed 000: "县区、开发区,乡镇(街道)要定期独立或联合有关部门单位对低收入人口进行检查抽查").
   */
  drawSpotChecks: boolean;
  /** May record and correct the result of checking a sampled household or case file within its region. */
  recordSpotCheckResults: boolean;
  /** May scrape /metrics from another machine (request rates, queue lengths, the audit head): the admin. */
  readMetrics: boolean;
}

/**
 * For which units a key files: every unit within its region (a county admin catching up for a unit), the unit of its
 * own township (a township key, when the township is one of the units), or the one unit the key is bound to (a
 * liaison officer, 联络员 — seed 002 has each unit name its own).
 */
export type FilingReach = 'any-unit' | 'own-township' | 'bound-unit';

/**
 * Whose approval counts: a key whose region covers the programme's county, or a key bound to the programme's lead
 * unit (民政局, which the returns are sent to: seed 002 "报送至民政局").
 */
export type ApprovalReach = 'programme-region' | 'bound-lead-unit';

export interface RolePolicy extends RoleCapabilities {
  /** Sees citizen ID numbers in full; everyone else sees 640121********002X. */
  fullIdNumber: boolean;
  /** Sees benefit account numbers in full; everyone else sees the last 4 digits. */
  fullBankAccount: boolean;
  /** Sees phone numbers in full; everyone else sees 138****5678. */
  fullPhone: boolean;
  /** May create and revoke API keys. */
  manageKeys: boolean;
}

export type Capability = keyof RoleCapabilities;

/**
 * Least privilege per role. Full ID numbers go to those who must match or pay people — integrators
 * (exchange with provincial and national systems keyed on the ID number), finance (the payment roll and
 * the bank's 一卡通 file) and auditors (tracing a case end to end, 人情保 checks). Only finance needs
 * account numbers. Phones go to those who call families (township staff) or match and trace records
 * (integrators, auditors). Liaison officers report progress figures and see no personal data at all. Feeds
 * are uploaded by those who wire systems (integrator) and run them (admin); auditors read what was refused. In the
 * filing round (填报) liaison officers file for their own unit and, bound to the lead unit, approve; township keys file
 * for their township; a county admin files for any unit and approves; auditors read; integrators and finance have no
 * part in it. Supervision (督办, 书面提醒) is the county's: admins issue it, townships answer with their reasons, auditors
 * read it; integrators, finance and liaison officers have no part in it.
 * Spot checks (抽查): an admin key draws the sample of its region; the office checking the households (a township key,
 * or the admin) records what it found; auditors read the draws and results.
 */
export const rolePolicies: Readonly<Record<Role, RolePolicy>> = {
  admin: {
    readPersonalData: true, writeRegister: true, importFeeds: true, readFeedBatches: true, runComparisons: true, readFigures: true,
    readReturns: true, fileReturns: 'any-unit', approveReturns: 'programme-region', submitRoll: true, closeRoll: true, payRoll: false,
    readSupervision: true, superviseCasework: true, answerSupervision: true,
    drawSpotChecks: true, recordSpotCheckResults: true, readMetrics: true,
    fullIdNumber: false, fullBankAccount: false, fullPhone: false, manageKeys: true,
  },
  integrator: {
    readPersonalData: true, writeRegister: true, importFeeds: true, readFeedBatches: true, runComparisons: true, readFigures: true,
    readReturns: false, fileReturns: false, approveReturns: false, submitRoll: false, closeRoll: false, payRoll: false,
    readSupervision: false, superviseCasework: false, answerSupervision: false,
    drawSpotChecks: false, recordSpotCheckResults: false, readMetrics: false,
    fullIdNumber: true, fullBankAccount: false, fullPhone: true, manageKeys: false,
  },
  township: {
    readPersonalData: true, writeRegister: true, importFeeds: false, readFeedBatches: false, runComparisons: false, readFigures: true,
    readReturns: true, fileReturns: 'own-township', approveReturns: false, submitRoll: true, closeRoll: false, payRoll: false,
    readSupervision: true, superviseCasework: false, answerSupervision: true,
    drawSpotChecks: false, recordSpotCheckResults: true, readMetrics: false,
    fullIdNumber: false, fullBankAccount: false, fullPhone: true, manageKeys: false,
  },
  liaison: {
    readPersonalData: false, writeRegister: false, importFeeds: false, readFeedBatches: false, runComparisons: false, readFigures: true,
    readReturns: true, fileReturns: 'bound-unit', approveReturns: 'bound-lead-unit', submitRoll: false, closeRoll: false, payRoll: false,
    readSupervision: false, superviseCasework: false, answerSupervision: false,
    drawSpotChecks: false, recordSpotCheckResults: false, readMetrics: false,
    fullIdNumber: false, fullBankAccount: false, fullPhone: false, manageKeys: false,
  },
  finance: {
    readPersonalData: true, writeRegister: false, importFeeds: false, readFeedBatches: false, runComparisons: false, readFigures: true,
    readReturns: false, fileReturns: false, approveReturns: false, submitRoll: false, closeRoll: false, payRoll: true,
    readSupervision: false, superviseCasework: false, answerSupervision: false,
    drawSpotChecks: false, recordSpotCheckResults: false, readMetrics: false,
    fullIdNumber: true, fullBankAccount: true, fullPhone: false, manageKeys: false,
  },
  auditor: {
    readPersonalData: true, writeRegister: false, importFeeds: false, readFeedBatches: true, runComparisons: false, readFigures: true,
    readReturns: true, fileReturns: false, approveReturns: false, submitRoll: false, closeRoll: false, payRoll: false,
    readSupervision: true, superviseCasework: false, answerSupervision: false,
    drawSpotChecks: false, recordSpotCheckResults: false, readMetrics: false,
    fullIdNumber: true, fullBankAccount: false, fullPhone: true, manageKeys: false,
  },
};

export const roles = Object.keys(rolePolicies) as Role[];

export function isRole(value: string): value is Role {
  return Object.hasOwn(rolePolicies, value);
}

/** What each capability lets a role do, for the one sentence a refusal gives. */
const capabilityWording: Record<Capability, string> = {
  readPersonalData: 'see personal data',
  writeRegister: 'change the register or its casework',
  importFeeds: 'upload department feeds',
  readFeedBatches: 'read feed batches and their rejected rows',
  runComparisons: 'start a comparison run',
  readFigures: 'read figures',
  readReturns: 'read the filing round',
  fileReturns: 'file returns',
  approveReturns: 'approve or reopen progress sheets',
  submitRoll: 'submit a township\'s monthly roll',
  closeRoll: 'close a month\'s roll',
  payRoll: 'export bank files, take the signed roll or import the bank\'s return',
  readSupervision: 'read 督办, written reminders and overdue items',
  superviseCasework: 'issue 督办 or written reminders',
  answerSupervision: 'record a reason on a 督办',
  drawSpotChecks: 'draw or redraw a spot-check sample',
  recordSpotCheckResults: 'record spot-check results',
  readMetrics: 'read the metrics from another machine',
};

/**
 * The one place a role is refused: 403 `forbidden` naming what the role cannot do (`what`: "see warnings",
 * "take or handle applications" …). Returns the role's policy, which says what the caller sees in full.
 */
export function requireCapability(actor: Actor, capability: Capability, what: string = capabilityWording[capability]): RolePolicy {
  const policy = rolePolicies[actor.role];
  if (!policy[capability]) throw new ProblemError('forbidden', `role ${actor.role} cannot ${what}`);
  return policy;
}
