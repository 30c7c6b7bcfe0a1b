import type { ReportSource } from '../report-source.js';
import complianceClosedRollIntegrity from './compliance-closed-roll-integrity.js';
import compliancePaidAfterDeath from './compliance-paid-after-death.js';
import complianceDuplicates from './compliance-duplicates.js';
import complianceOverdue from './compliance-overdue.js';
import complianceAssetsKept from './compliance-assets-kept.js';
import complianceChangesWithoutApproval from './compliance-changes-without-approval.js';
import complianceRelatedToStaff from './compliance-related-to-staff.js';
import discoveryCases from './discovery-cases.js';
import economicChecks from './economic-checks.js';
import filingCompleteness from './filing-completeness.js';
import keyGroupRoster from './key-group-roster.js';
import liaisonRoster from './liaison-roster.js';
import monitoringFigures from './monitoring-figures.js';
import payrollChanges from './payroll-changes.js';
import payrollJinminReconciliation from './payroll-jinmin-reconciliation.js';
import payrollRoll from './payroll-roll.js';
import quarterlySummary from './quarterly-summary.js';
import supervisionCircular from './supervision-circular.js';
import supervisionReminder from './supervision-reminder.js';
import spotCheckResults from './spot-check-results.js';
import taskProgress from './task-progress.js';
import urgentHardship from './urgent-hardship.js';
import villagesWithoutAssistant from './villages-without-assistant.js';

/** Every report source by name: what report-templates/*.json may name in `source`. */
export const reportSources: ReadonlyMap<string, ReportSource> = new Map(
  [
    discoveryCases, monitoringFigures, urgentHardship, liaisonRoster, taskProgress, filingCompleteness, quarterlySummary, payrollRoll, payrollChanges,
    payrollJinminReconciliation, complianceClosedRollIntegrity, compliancePaidAfterDeath, complianceDuplicates, complianceOverdue, supervisionReminder,
    supervisionCircular, spotCheckResults, economicChecks, keyGroupRoster, villagesWithoutAssistant, complianceRelatedToStaff, complianceAssetsKept,
    complianceChangesWithoutApproval,
  ].map((source) => [source.name, source]),
);
