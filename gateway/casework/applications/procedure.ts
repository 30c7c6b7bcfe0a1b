/**
 * An application procedure's order and deadlines, as pure functions over its configuration (time-limits.ts)
 * and the working calendar: which step comes next, by when, and from which day it may be done.
 */
import { addDays, type WorkingCalendar } from '../../calendar/working-days.js';
import { addWorkingDaysFromAnyDay } from '../../calendar/working-days.js';
import type { ApplicationProcedure, ProcedureStep, TimeLimitDuration } from '../../../schemas/types/index.js';

export type ProcedureStepName = ProcedureStep['step'];

/** Where an application stands: its last main step (or its acceptance) and the notice, once posted. */
export interface ProcedureProgress {
  acceptedOn: string;
  /** Investigated in one township, registered in another (一城通办): the materials are forwarded. */
  crossTownship: boolean;
  /** The notice drew an objection: 民主评议 comes before the decision. */
  objected: boolean;
  lastStep: 'accepted' | ProcedureStepName;
  lastStepOn: string;
  noticeEndsOn: string | null;
  /** The notice's last day counted weekdays of an uncovered year. */
  noticeEndsProvisional: boolean;
}

/** A counted date; provisional when it counted weekdays of a year the holiday calendar does not cover yet. */
export interface Dated {
  date: string;
  provisional: boolean;
}

export interface NextStep {
  step: ProcedureStepName;
  dueOn: string;
  /** The due date counted weekdays of an uncovered year (or follows a notice end that did). */
  dueProvisional: boolean;
  /** While the notice runs, the first day the next step may be done. */
  notBefore: string | null;
}

/**
 * `start` plus a duration, counted as the Civil Code counts periods (民法典 第二百零一条: the starting day is not
 * counted): 3 working days from a Friday is the third working day after it; a 7-day notice posted on the 1st has
 * the 8th as its last day. Working days running into a year whose holiday notice is not out yet count weekdays
 * there, as warnings' deadlines do (working-days.ts); the date is then provisional, and the caller keeps the flag so
 * the date is worked out again once the year is in the calendar.
 */
export function addDuration(calendar: WorkingCalendar, start: string, duration: Pick<TimeLimitDuration, 'days' | 'unit'>): Dated {
  if (duration.unit === 'calendar') return { date: addDays(start, duration.days), provisional: false };
  return addWorkingDaysFromAnyDay(calendar, start, duration.days);
}

/**
 * The steps this application goes through: forwarding to the registration township only when it is another one, and
 * 民主评议 only when the notice drew an objection (seed 001: "对公示结果有异议的,户籍地负责组织民主评议").
 */
export function plannedSteps(procedure: ApplicationProcedure, progress: Pick<ProcedureProgress, 'crossTownship' | 'objected'>): ProcedureStep[] {
  return procedure.steps.filter((s) => (progress.crossTownship || s.step !== 'forwarded') && (progress.objected || s.step !== 'deliberated'));
}

/**
 * The step expected next and its deadline: counted from the step before it, from acceptance for a step that says so
 * (the investigation starts "居住地受理3个工作日内", seed 001), or from the notice's last day after the notice. The
 * decision, and whatever directly follows the notice except 民主评议, waits until the notice has run; 民主评议 may
 * meet as soon as the objection is in.
 */
export function nextStepOf(calendar: WorkingCalendar, procedure: ApplicationProcedure, progress: ProcedureProgress): NextStep | null {
  const planned = plannedSteps(procedure, progress);
  const position = progress.lastStep === 'accepted' ? -1 : planned.findIndex((s) => s.step === progress.lastStep);
  if (progress.lastStep !== 'accepted' && position === -1) {
    throw new Error(`[applications] last step ${progress.lastStep} is not a step of procedure "${procedure.title}"`);
  }
  const step = planned[position + 1];
  if (!step) return null;
  const afterNotice = progress.lastStep === 'notice' && progress.noticeEndsOn !== null;
  const from = step.fromAcceptance ? progress.acceptedOn : afterNotice ? progress.noticeEndsOn! : progress.lastStepOn;
  const due = addDuration(calendar, from, step.within);
  const waitsForNotice = progress.noticeEndsOn !== null && (step.step === 'decided' || (afterNotice && step.step !== 'deliberated'));
  return {
    step: step.step,
    dueOn: due.date,
    dueProvisional: due.provisional || (afterNotice && progress.noticeEndsProvisional),
    notBefore: waitsForNotice ? addDays(progress.noticeEndsOn!, 1) : null,
  };
}

/** The notice's last day, for a notice posted on `startsOn`. */
export function noticeEndsOn(calendar: WorkingCalendar, procedure: ApplicationProcedure, startsOn: string): Dated {
  const notice = procedure.steps.find((s) => s.step === 'notice');
  if (!notice?.length) throw new Error(`[applications] procedure "${procedure.title}" has no notice length`);
  return addDuration(calendar, startsOn, notice.length);
}

/** The whole procedure's deadline from acceptance. */
export function totalDueOn(calendar: WorkingCalendar, procedure: ApplicationProcedure, acceptedOn: string): Dated {
  return addDuration(calendar, acceptedOn, procedure.total);
}

/**
 * The deadline after the one extension: the extension runs on from the original deadline, so it is provisional
 * when that deadline was.
 */
export function extendedDueOn(calendar: WorkingCalendar, procedure: ApplicationProcedure, due: Dated): Dated | null {
  if (!procedure.extension) return null;
  const extended = addDuration(calendar, due.date, procedure.extension);
  return { date: extended.date, provisional: extended.provisional || due.provisional };
}

/** The whole procedure's deadline as it stands: from acceptance, and on through the extension once granted. */
export function applicationDueOn(calendar: WorkingCalendar, procedure: ApplicationProcedure, acceptedOn: string, extended: boolean): Dated {
  const total = totalDueOn(calendar, procedure, acceptedOn);
  return extended ? (extendedDueOn(calendar, procedure, total) ?? total) : total;
}
