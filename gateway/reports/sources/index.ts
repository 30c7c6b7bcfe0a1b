import type { ReportSource } from '../report-source.js';
import discoveryCases from './discovery-cases.js';
import monitoringFigures from './monitoring-figures.js';
import urgentHardship from './urgent-hardship.js';

/** Every report source by name: what report-templates/*.json may name in `source`. */
export const reportSources: ReadonlyMap<string, ReportSource> = new Map([discoveryCases, monitoringFigures, urgentHardship].map((source) => [source.name, source]));
