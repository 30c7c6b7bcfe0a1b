import { basename } from 'node:path';
import { Command } from 'commander';
import { AdapterError } from '../../adapters/kit/adapter-error.js';
import { loadFeedMappings } from '../../adapters/kit/feed-mappings.js';
import { commandLineActor } from '../access/actor.js';
import { nationwide } from '../access/region-scope.js';
import { ProblemError } from '../errors.js';
import { importFeedFile, type ImportResult } from '../feeds/import-feed.js';
import { note, printJson, printLine } from './output.js';
import { openCommandStore } from './command-store.js';
import { regionCodeOption } from './region-option.js';

export function sourcesCommand(): Command {
  return new Command('sources')
    .description('list the feed sources jiuzhu can import (one mapping file each in adapters/departments)')
    .option('--json', 'print [{source, department, title, kinds}]')
    .action((options: { json?: boolean }) => {
      const sources = [...loadFeedMappings().values()].map((m) => ({
        source: m.source,
        department: m.department,
        title: m.title,
        kinds: typeof m.fact.kind === 'string' ? [m.fact.kind] : [...new Set(Object.values(m.fields[m.fact.kind.field]?.map ?? {}))],
      }));
      if (options.json) printJson(sources);
      else for (const s of sources) printLine(`${s.source.padEnd(22)} ${s.department.padEnd(4)} ${s.title}  → ${s.kinds.join(', ')}`);
    });
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
    .option('--dry-run', 'report what each file would do without writing anything')
    .option('--json', 'print one object per file: {batchId, source, accepted, rejected, skipped, duplicate}')
    .action(async (files: string[], options: { source: string; sheet?: string; region: string; dryRun?: boolean; json?: boolean }) => {
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
