import { Command } from 'commander';
import { checkIdNumber } from '../identity/id-number.js';
import { describeDivision } from '../identity/division-names.js';
import { printJson, printLine } from './output.js';

export function idCommand(): Command {
  const id = new Command('id').description('citizen ID numbers (公民身份号码, GB 11643)');
  id.command('check')
    .description('normalise and validate ID numbers; print gender, birth date and region, or why each is invalid (exit 1 if any is invalid)')
    .argument('<number...>', 'ID numbers as found in files: 15 or 18 characters, full-width, lowercase x, quoted …')
    .option('--json', 'print a JSON array')
    .action((numbers: string[], options: { json?: boolean }) => {
      const results = numbers.map((input) => {
        const result = checkIdNumber(input);
        if (!result.ok) return { input, valid: false as const, problem: result.problem, reason: result.reason };
        const region = describeDivision(result.regionCode);
        return {
          input,
          valid: true as const,
          idNumber: result.idNumber,
          gender: result.gender,
          birthDate: result.birthDate,
          regionCode: result.regionCode,
          region: region?.fullName ?? null,
          upgradedFrom15: result.upgradedFrom15,
        };
      });
      if (options.json) printJson(results);
      else {
        for (const r of results) {
          printLine(r.valid
            ? `${r.idNumber}  valid  ${r.gender === 'male' ? '男' : '女'} ${r.birthDate}  ${r.regionCode} ${r.region ?? '(region code not in GB/T 2260)'}${r.upgradedFrom15 ? '  (upgraded from 15 digits)' : ''}`
            : `${r.input}  INVALID  ${r.reason}`);
        }
      }
      if (results.some((r) => !r.valid)) process.exitCode = 1;
    });
  return id;
}
