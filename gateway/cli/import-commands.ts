import { basename } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { AdapterError } from '../../adapters/kit/adapter-error.js';
import { loadFeedCatalogue, type FeedCatalogue } from '../../adapters/kit/feed-mappings.js';
import type { FeedMapping } from '../../schemas/types/index.js';
import { commandLineActor } from '../access/actor.js';
import { nationwide } from '../access/region-scope.js';
import { loadConfig } from '../config.js';
import { ProblemError } from '../errors.js';
import { describeFeed, feedDescriptionLines } from '../feeds/describe-feed.js';
import { importFeedFile, type ImportResult } from '../feeds/import-feed.js';
import { note, printJson, printLine } from './output.js';
import { openCommandStore } from './command-store.js';
import { regionCodeOption } from './region-option.js';

/** The feeds this command reads by: the packaged mappings with JIUZHU_FEEDS_DIR laid over them, checked now. */
function commandFeeds(): FeedCatalogue {
  return loadFeedCatalogue({ deploymentDir: loadConfig().feedsDir });
}

export function sourcesCommand(): Command {
  const sources = new Command('sources')
    .description('list the feed sources jiuzhu can import: the mappings in adapters/departments and the deployment\'s (JIUZHU_FEEDS_DIR)')
    .option('--json', 'print [{source, department, title, kinds, origin, widened}]')
    .action((options: { json?: boolean }) => {
      const list = [...commandFeeds().values()].map(({ mapping: m, origin, synonymsFile }) => ({
        source: m.source,
        department: m.department,
        title: m.title,
        kinds: feedKinds(m),
        origin,
        widened: synonymsFile !== undefined,
      }));
      if (options.json) printJson(list);
      else {
        for (const s of list) {
          const mark = s.origin === 'deployment' ? '  [deployment]' : s.widened ? '  [+ deployment synonyms]' : '';
          printLine(`${s.source.padEnd(22)} ${s.department.padEnd(4)} ${s.title}  → ${s.kinds.join(', ')}${mark}`);
        }
      }
    });
  sources.addCommand(new Command('show')
    .description('one feed: the headers each field is read from (every alias), types, accepted values, constants, and where the mapping comes from')
    .argument('<source>', 'feed source id')
    .option('--json', 'print the description as JSON')
    .action((source: string, options: { json?: boolean }, command: Command) => {
      const feed = commandFeeds().get(source);
      if (!feed) throw new ProblemError('unknown-source', `no feed "${source}" (see \`jiuzhu sources\`)`);
      const description = describeFeed(feed);
      // `sources show S --json`: commander gives --json to `sources`, which has the same option, when it follows the argument.
      if (options.json || command.parent?.opts<{ json?: boolean }>().json) printJson(description);
      else for (const line of feedDescriptionLines(description)) printLine(line);
    }));
  return sources;
}

function feedKinds(m: FeedMapping): string[] {
  // '-' marks wordings accepted without a fact (其他 in a 注销 list): not a kind.
  return typeof m.fact.kind === 'string' ? [m.fact.kind] : [...new Set(Object.values(m.fields[m.fact.kind.field]?.map ?? {}))].filter((k): k is string => k !== undefined && k !== '-');
}

/** `--column 'HEADER=field'`, `--set field=value`: collected into one object, the text before the first = as the key. */
function collectPair(text: string, previous: Record<string, string>): Record<string, string> {
  const at = text.indexOf('=');
  if (at <= 0 || at === text.length - 1) throw new InvalidArgumentError(`expected NAME=VALUE, got "${text}"`);
  return { ...previous, [text.slice(0, at).trim()]: text.slice(at + 1).trim() };
}

/** A progress line: redrawn in place on a terminal, plain lines otherwise (logs, CI). */
function progressReporter(fileName: string): { update(rows: number): void; done(): void } {
  const started = Date.now();
  const tty = process.stderr.isTTY;
  return {
    update(rows) {
      const seconds = (Date.now() - started) / 1000;
      const line = `${fileName}: ${rows.toLocaleString('en')} rows, ${Math.round(rows / Math.max(seconds, 0.001)).toLocaleString('en')} rows/s`;
      if (tty) process.stderr.write(`\r${line}`);
      else note(line);
    },
    done() {
      if (tty) process.stderr.write('\n');
    },
  };
}

export function importCommand(): Command {
  return new Command('import')
    .description('import department files as batches: rows become facts or rejects with their location; the same file twice changes nothing')
    .requiredOption('--source <source>', 'feed source id (see `jiuzhu sources`)')
    .argument('<file...>', 'CSV (UTF-8 or GBK), XLSX/XLS, JSON/NDJSON or XML files')
    .option('--sheet <name>', 'the sheet to read in a workbook')
    .option('--region <code>', `import for one region, as its key would: rows about register persons outside it are rejected, and only comparisons over an overlapping region read the batch (default ${nationwide}: all)`, regionCodeOption, nationwide)
    .option('--column <header=field>', 'read the column HEADER as FIELD (a field name or one of its headers) for these files only; repeatable; recorded with the batch', collectPair, {})
    .option('--set <field=value>', 'every row has VALUE in FIELD, for files without that column (a death-only 户籍注销 export: --set 变动类型=死亡); repeatable; recorded with the batch', collectPair, {})
    .option('--dry-run', 'report what each file would do without writing anything')
    .option('--json', 'print one object per file: {batchId, source, accepted, rejected, skipped, duplicate}')
    .action(async (files: string[], options: { source: string; sheet?: string; region: string; column: Record<string, string>; set: Record<string, string>; dryRun?: boolean; json?: boolean }) => {
      const feeds = commandFeeds();
      const { store } = await openCommandStore();
      let refused = 0;
      try {
        for (const file of files) {
          const fileName = basename(file);
          const progress = progressReporter(fileName);
          let result: ImportResult;
          try {
            result = await importFeedFile(store, {
              source: options.source,
              feeds,
              columns: options.column,
              fixedValues: options.set,
              input: { fileName, path: file },
              actor: { ...commandLineActor(), regionCode: options.region },
              dryRun: options.dryRun,
              sheet: options.sheet,
              onProgress: (rows) => progress.update(rows),
            });
          } catch (error) {
            progress.done();
            if (!(error instanceof AdapterError) && !(error instanceof ProblemError)) throw error;
            refused += 1;
            note(`jiuzhu: ${fileName} refused: ${error.message}`);
            if (options.json) printJson({ file, source: options.source, refused: error.message });
            continue;
          }
          progress.done();
          const { batchId, source, accepted, rejected, skipped, duplicate } = result;
          if (options.json) printJson({ batchId, source, accepted, rejected, skipped, duplicate, ...(result.dryRun ? { dryRun: true, sampleRejects: result.sampleRejects } : {}) });
          else if (duplicate) printLine(`${fileName}: already imported as batch ${batchId ?? `of a region containing ${options.region}`}; nothing changed`);
          else printLine(`${fileName}: ${result.dryRun ? 'would make' : `batch ${batchId},`} ${accepted} accepted, ${rejected} rejected, ${skipped} skipped`);
        }
      } finally {
        await store.close();
      }
      if (refused > 0) process.exitCode = 1;
    });
}
