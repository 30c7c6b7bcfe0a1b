import { Command, Option } from 'commander';
import { commandLineActor, type Actor } from '../access/actor.js';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import { drawSpotCheck, redrawSpotCheck } from '../oversight/spot-checks/draws.js';
import { populationKinds, type PopulationKind } from '../oversight/spot-checks/populations.js';
import { recordSpotCheckResult, type ResultInput } from '../oversight/spot-checks/results.js';
import type { SizeRule } from '../oversight/spot-checks/sampling.js';
import { viewSpotCheck, viewSpotCheckList } from '../oversight/spot-checks/spot-check-views.js';
import type { Store } from '../store/connect.js';
import { recordAudit } from '../store/repositories/audit-log.js';
import type { SpotCheck } from '../../schemas/types/index.js';
import { withCommandStore } from './command-store.js';
import { printJson, printLine } from './output.js';

const resultWords: Record<ResultInput['result'], string> = { passed: '合格', problem: '存在问题', unverifiable: '无法核查' };

/** `jiuzhu spot-checks`: draw, list, show, redraw and record results, as the API does; the operator acts as admin. */
export function spotChecksCommand(): Command {
  const spotChecks = new Command('spot-checks').description('spot checks (抽查): reproducible samples of households or case files, and what checking them found');

  spotChecks.command('draw')
    .description('draw a sample of a region for a period; without a size, 5 per cent and at least 10 (an example of local practice)')
    .requiredOption('--region <code>', 'the county or township sampled')
    .addOption(new Option('--population <kind>', 'what is sampled').choices([...populationKinds]).makeOptionMandatory())
    .requiredOption('--period <period>', 'a month (2024-09), quarter (2024-Q3) or year (2024)')
    .option('--count <n>', 'draw this many', positiveInteger)
    .option('--rate <percent>', 'draw this whole percentage, rounded up', positiveInteger)
    .option('--minimum <n>', 'with --rate: at least this many', positiveInteger)
    .option('--seed <hex>', '128-bit seed, 32 hex digits (a fresh random one when absent)')
    .option('--json', 'print the draw as the API does (schemas/spot-check.schema.json)')
    .action(async (options: { region: string; population: PopulationKind; period: string; count?: number; rate?: number; minimum?: number; seed?: string; json?: boolean }) => {
      const size = sizeRuleOf(options);
      await withStore(async (store, actor) => {
        const id = await drawSpotCheck(store.knex, actor, { regionCode: options.region, population: options.population, period: options.period, size, seed: options.seed });
        await show(store, actor, id, options.json);
      });
    });

  spotChecks.command('list')
    .description('the draws, oldest first, with how many items have a result')
    .option('--region <code>', 'only draws of this region')
    .option('--period <period>', 'only draws of this period')
    .option('--superseded', 'include draws replaced by a redraw')
    .option('--json', 'print the draws as the API does, as one array')
    .action(async (options: { region?: string; period?: string; superseded?: boolean; json?: boolean }) => {
      await withStore(async (store, actor) => {
        const viewed = await viewSpotCheckList(store.knex, actor, { regionCode: options.region, period: options.period, includeSuperseded: options.superseded ?? false });
        await recordAudit(store.knex, actor, { action: 'spot-check.list', outcome: 'ok', resourceType: 'spot-check', detail: `draws ${viewed.view.map((d) => d.id).join(', ') || 'none'}` });
        if (options.json) return printJson(viewed.view);
        if (viewed.view.length === 0) printLine('no spot-check draws');
        for (const draw of viewed.view) printLine(describeDraw(draw));
      });
    });

  spotChecks.command('show')
    .description('a draw with its items, their results and history, and whether the stored seed still gives the sample')
    .argument('<id>', 'the draw', positiveInteger)
    .option('--json', 'print the draw as the API does')
    .action(async (id: number, options: { json?: boolean }) => {
      await withStore((store, actor) => show(store, actor, id, options.json));
    });

  spotChecks.command('redraw')
    .description('draw again with the same rule, period and size; the old draw is kept, marked superseded with the reason')
    .argument('<id>', 'the draw replaced', positiveInteger)
    .requiredOption('--reason <text>', 'why the draw is replaced')
    .option('--seed <hex>', '128-bit seed, 32 hex digits (a fresh random one when absent)')
    .option('--json', 'print the new draw as the API does')
    .action(async (id: number, options: { reason: string; seed?: string; json?: boolean }) => {
      await withStore(async (store, actor) => {
        const redrawn = await redrawSpotCheck(store.knex, actor, id, { reason: options.reason, seed: options.seed });
        await show(store, actor, redrawn, options.json);
      });
    });

  spotChecks.command('result')
    .description('record what checking an item found; an item with a result is corrected only with --reason')
    .argument('<id>', 'the draw', positiveInteger)
    .argument('<item>', 'the item id (see show)', positiveInteger)
    .addOption(new Option('--result <result>', 'passed 合格, problem 存在问题, unverifiable 无法核查').choices(['passed', 'problem', 'unverifiable']).makeOptionMandatory())
    .option('--findings <text>', 'what was found (required for problem)')
    .requiredOption('--checker <name>', 'who checked')
    .option('--on <date>', 'the day checked (today in Asia/Shanghai when absent)')
    .option('--reason <text>', 'why an earlier result is corrected')
    .option('--json', 'print the draw as the API does')
    .action(async (id: number, item: number, options: { result: ResultInput['result']; findings?: string; checker: string; on?: string; reason?: string; json?: boolean }) => {
      const today = todayInShanghai();
      await withStore(async (store, actor) => {
        await recordSpotCheckResult(store.knex, actor, id, item, {
          result: options.result, findings: options.findings, checker: options.checker, checkedOn: options.on ?? today, reason: options.reason,
        }, { today });
        await show(store, actor, id, options.json);
      });
    });

  return spotChecks;
}

function withStore(work: (store: Store, actor: Actor) => Promise<void>): Promise<void> {
  return withCommandStore((store) => work(store, commandLineActor('cli spot-checks')));
}

/** Prints a draw with its items; the read is audited with the households it names. */
async function show(store: Store, actor: Actor, id: number, json: boolean | undefined): Promise<void> {
  const viewed = await viewSpotCheck(store.knex, actor, id);
  await recordAudit(store.knex, actor, {
    action: 'spot-check.read', outcome: 'ok', resourceType: 'spot-check', resourceId: String(id), regionCode: viewed.regionCode, subjectPersonIds: viewed.subjectPersonIds,
  });
  const draw = viewed.view;
  if (json) return printJson(draw);
  printLine(describeDraw(draw));
  printLine(`  seed ${draw.seed}${draw.seedGiven ? ' (given)' : ''}; population SM3 ${draw.populationSm3}`);
  const check = draw.verification!;
  printLine(`  population now ${check.populationCount}, ${check.populationUnchanged ? 'unchanged' : 'CHANGED since the draw'}; the stored seed ${check.sampleReproduced ? 'gives' : 'no longer gives'} this sample`);
  for (const item of draw.items ?? []) {
    const result = item.result ? `${resultWords[item.result.result]} ${item.result.checkedOn} ${item.result.checker}${item.result.findings ? `: ${item.result.findings}` : ''}${item.history.length > 1 ? ` (corrected ${item.history.length - 1}×)` : ''}` : '未核查';
    const household = item.household ? `${item.household.householdNo} ${item.household.headName}` : '';
    printLine(`${String(item.position).padStart(4)}. item ${item.id}  ${item.ref}  ${item.township.name}  ${household}  ${result}`);
  }
}

function describeDraw(d: SpotCheck): string {
  const state = d.superseded ? `superseded ${d.superseded.at} by ${d.superseded.by}${d.superseded.byDraw ? ` (draw ${d.superseded.byDraw})` : ''}: ${d.superseded.reason}` : 'current';
  const t = d.totals;
  return `draw ${d.id}  ${d.region.name || d.region.code}  ${d.population}  ${d.period.text}  ${d.sampleSize} of ${d.populationCount}  drawn ${d.drawnAt} by ${d.drawnBy}  `
    + `合格 ${t.passed}, 存在问题 ${t.problem}, 无法核查 ${t.unverifiable}, 未核查 ${t.unchecked}  ${state}`;
}

function sizeRuleOf(options: { count?: number; rate?: number; minimum?: number }): SizeRule | undefined {
  if (options.count !== undefined && options.rate !== undefined) throw new Error('give --count or --rate, not both');
  if (options.count !== undefined) return { count: options.count };
  if (options.rate !== undefined) {
    if (options.rate > 100) throw new Error(`--rate is a percentage up to 100, not ${options.rate}`);
    return { ratePercent: options.rate, minimum: options.minimum ?? 1 };
  }
  if (options.minimum !== undefined) throw new Error('--minimum goes with --rate');
  return undefined;
}

function positiveInteger(text: string): number {
  if (!/^[1-9][0-9]*$/.test(text)) throw new Error(`expected a positive whole number, not "${text}"`);
  return Number(text);
}
