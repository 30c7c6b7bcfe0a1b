import type { DemoMonth } from './demo-month-context.js';
import type { FeedFile } from './file-formats.js';
import { assistanceFeedback, disasterVictims, jinminRoster, monitoredHouseholds, staffRoster, students } from './feeds/assistance-feeds.js';
import { businessRegistrations, realEstateRegistrations, vehicleRegistrations } from './feeds/asset-feeds.js';
import { deadInformation, deathCancellations, hukouChanges } from './feeds/civil-status-feeds.js';
import { disabilityCertificates, majorIllness, medicalSettlements } from './feeds/health-feeds.js';
import { contributions, employmentRegistrations, pensions, unemploymentBenefits, workersInHardship } from './feeds/labour-feeds.js';

/**
 * One file per department feed, in the order they depend on each other: the crematorium reports the deaths 公安
 * reported, the medical file needs the anti-poverty system's ex-poor, and the assistance feedback comes last because
 * it reports what the other departments gave (education assistance for new students, relief for disaster victims).
 */
const builders: readonly ((month: DemoMonth) => FeedFile)[] = [
  hukouChanges,
  deathCancellations,
  deadInformation,
  vehicleRegistrations,
  realEstateRegistrations,
  businessRegistrations,
  employmentRegistrations,
  contributions,
  pensions,
  unemploymentBenefits,
  workersInHardship,
  monitoredHouseholds,
  medicalSettlements,
  majorIllness,
  disabilityCertificates,
  disasterVictims,
  students,
  jinminRoster,
  staffRoster,
  assistanceFeedback,
];

export function generateMonthFeeds(month: DemoMonth): FeedFile[] {
  return builders.map((build) => build(month));
}
