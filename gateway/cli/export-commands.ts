import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { exportLowIncomeRegister } from '../../adapters/antipoverty/register-export.js';
import { bufferSource } from '../crypto/byte-source.js';
import { jinminExportCommand } from './delivery-commands.js';
import { withExchange } from './open-exchange.js';
import { printJson, printLine } from './output.js';

export function exportCommand(): Command {
  const exports = new Command('export').description('files jiuzhu produces for partner systems');
  exports.command('antipoverty-register')
    .description('the monthly low-income register for the anti-poverty monitoring system (防返贫), as XLSX; it holds full ID numbers, so every person in it is logged')
    .requiredOption('--county <code>', 'county code, e.g. 640121')
    .requiredOption('--period <YYYY-MM>', 'the month')
    .requiredOption('--out <file>', 'where to write the file (an envelope when --seal-for is given)')
    .option('--seal-for <partner>', 'seal the file for this partner (GM/T 0010 envelope, or OpenPGP for partners set to pgp)')
    .option('--json', 'print {file, rows, sealedFor}')
    .action(async (options: { county: string; period: string; out: string; sealFor?: string; json?: boolean }) => {
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(options.period)) throw new Error(`--period must be YYYY-MM, got "${options.period}"`);
      await withExchange(async (exchange, store, audit) => {
        const file = await exportLowIncomeRegister(store.knex, { countyCode: options.county, period: options.period });
        let bytes: Uint8Array = file.bytes;
        if (options.sealFor) {
          const partner = await exchange.partners.get(options.sealFor);
          if (partner.envelopeFormat === 'pgp') {
            bytes = await exchange.sealPgpFor(partner.id, file.bytes);
          } else {
            const parts: Buffer[] = [];
            await exchange.sealFor(partner.id, bufferSource(file.bytes), (chunk) => void parts.push(Buffer.from(chunk)));
            bytes = Buffer.concat(parts);
          }
        }
        await writeFile(options.out, bytes, { mode: 0o600 });
        await audit({
          action: 'export.antipoverty-register',
          outcome: 'ok',
          regionCode: options.county,
          subjectPersonIds: file.rows.map((row) => row.personId),
          detail: `${file.fileName}: ${file.rows.length} persons for ${options.period}${options.sealFor ? `, sealed for ${options.sealFor}` : ''}`,
        });
        if (options.json) printJson({ file: options.out, name: file.fileName, rows: file.rows.length, sealedFor: options.sealFor ?? null });
        else printLine(`${options.out}: ${file.fileName}, ${file.rows.length} persons${options.sealFor ? `, sealed for ${options.sealFor}` : ''}`);
      });
    });
  exports.addCommand(jinminExportCommand());
  return exports;
}
