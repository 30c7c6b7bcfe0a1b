import type { ReportSource } from '../report-source.js';
import complianceClosedRollIntegrity from './compliance-closed-roll-integrity.js';
import compliancePaidAfterDeath from './compliance-paid-after-death.js';
import complianceDuplicates from './compliance-duplicates.js';
import complianceAssetsKept from './compliance-assets-kept.js';
import complianceChangesWithoutApproval from './compliance-changes-without-approval.js';
import complianceRelatedToStaff from './compliance-related-to-staff.js';
import discoveryCases from './discovery-cases.js';
import filingCompleteness from './filing-completeness.js';
import liaisonRoster from './liaison-roster.js';
import monitoringFigures from './monitoring-figures.js';
import payrollChanges from './payroll-changes.js';
import payrollJinminReconciliation from './payroll-jinmin-reconciliation.js';
import payrollRoll from './payroll-roll.js';
import quarterlySummary from './quarterly-summary.js';
import taskProgress from './task-progress.js';
import urgentHardship from './urgent-hardship.js';

/** Every report source by name: what report-templates/*.json may name in `source`. */
export const reportSources: ReadonlyMap<string, ReportSource> = new Map(
  [discoveryCases, monitoringFigures, urgentHardship, liaisonRoster, taskProgress, filingCompleteness, quarterlySummary, payrollRoll, payrollChanges, payrollJinminReconciliation, complianceClosedRollIntegrity, compliancePaidAfterDeath, complianceDuplicates, complianceRelatedToStaff, complianceAssetsKept, complianceChangesWithoutApproval].map((source) => [source.name, source]),
);
