import { Command, InvalidArgumentError } from 'commander';
import { commandLineActor } from '../access/actor.js';
import { isPeriod, previousPeriod } from '../calendar/periods.js';
import { defaultIndexFormulaPath, loadIndexFormula } from '../indices/index-formula.js';
import { viewIndicesList } from '../indices/index-views.js';
import { recordAudit } from '../store/repositories/audit-log.js';
import { openCommandStore } from './command-store.js';
import { printJson, printLine } from './output.js';

function period(value: string): string {
  if (!isPeriod(value)) throw new InvalidArgumentError('period must be YYYY-MM');
  return value;
}

function region(value: string): string {
  if (!/^([0-9]{9}|[0-9]{12})$/.test(value)) throw new InvalidArgumentError('township must be a 9-digit township or 12-digit village code');
  return value;
}

function score(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0 || parsed > 100) throw new InvalidArgumentError('must be a number from 0 to 100');
  return parsed;
}

function limit(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('must be a positive whole number');
  return parsed;
}

/** `jiuzhu indices`: households ranked by need (or poverty) index, as GET /v1/indices answers, for the operator on the server. */
export function indicesCommand(): Command {
  return new Command('indices')
    .description('rank households by need index (需救助指数) or poverty index (贫困指数), each explained by its components')
    .option('--township <code>', 'only households living in this township (9 digits) or village (12)', region)
    .option('--period <YYYY-MM>', 'the month scored (default: last month)', period)
    .option('--min-poverty <score>', 'only households with a poverty index of at least this', score)
    .option('--min-need <score>', 'only households with a need index of at least this', score)
    .option('--order <index>', 'need or poverty: the index ranked on, highest first', 'need')
    .option('--limit <n>', 'at most this many households', limit, 50)
    .option('--formula <file>', `index formula (default: ${defaultIndexFormulaPath})`)
    .option('--json', 'print {period, regionCode, formula, matched, items} with every component')
    .action(async (options: { township?: string; period?: string; minPoverty?: number; minNeed?: number; order: string; limit: number; formula?: string; json?: boolean }) => {
      if (options.order !== 'need' && options.order !== 'poverty') throw new InvalidArgumentError('--order must be need or poverty');
      const formula = loadIndexFormula(options.formula ?? defaultIndexFormulaPath);
      const { store } = await openCommandStore();
      try {
        const actor = commandLineActor();
        const viewed = await viewIndicesList(store.knex, actor, {
          regionCode: options.township, period: options.period ?? previousPeriod(), minPoverty: options.minPoverty, minNeed: options.minNeed,
          order: options.order, limit: options.limit,
        }, formula);
        // The operator reads personal data too: logged like an API read, with every person the list covered.
        await recordAudit(store.knex, actor, {
          action: 'indices.list', outcome: 'ok', subjectPersonIds: viewed.subjectPersonIds, regionCode: viewed.regionCode,
          resourceType: 'region', resourceId: viewed.view.regionCode,
        });
        const list = viewed.view;
        if (options.json) {
          printJson(list);
          return;
        }
        printLine(`${list.period}, ${options.township}: ${list.matched} households (formula ${list.formula.id}), ranked by ${options.order}`);
        printLine(`${'need'.padStart(7)} ${'poverty'.padStart(7)}  ${'household'.padEnd(20)} ${'village'.padEnd(12)} members  head`);
        for (const item of list.items) {
          const flag = item.need.complete && item.poverty.complete ? '' : '  (incomplete: a source had no value)';
          printLine(`${item.need.score.toFixed(2).padStart(7)} ${item.poverty.score.toFixed(2).padStart(7)}  ${item.householdNo.padEnd(20)} ${item.residenceRegionCode.padEnd(12)} ${String(item.memberCount).padStart(7)}  ${item.headName ?? '—'}${flag}`);
        }
      } finally {
        await store.close();
      }
    });
}
