import { CommanderError, type Command } from 'commander';
import { CommandError, describeFailure, exitStatus } from './cli-failure.js';

/** Reports go to stdout (as JSON with --json); progress and diagnostics to stderr, so pipes stay clean. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(text: string): void {
  process.stdout.write(`${text}\n`);
}

export function note(text: string): void {
  process.stderr.write(`${text}\n`);
}

/**
 * Whether the running command was given --json, and so wants its error as JSON too. Known from the command line
 * until commander has parsed it (a usage error comes before any action), then from the command's own options.
 */
let errorsAsJson = process.argv.slice(2).includes('--json');

/**
 * One clear sentence on stderr — or, under --json, one object `{"error": {code, type?, title, detail, exitStatus}}` —
 * and the exit status of the table in docs/cli.md. Stack traces only with JIUZHU_DEBUG=1.
 */
export function failAndExit(error: unknown): never {
  const failure = describeFailure(error);
  if (errorsAsJson) {
    const { sentence: _sentence, ...body } = failure;
    process.stderr.write(`${JSON.stringify({ error: body })}\n`);
  } else {
    process.stderr.write(`jiuzhu: ${failure.sentence}\n`);
  }
  if (process.env.JIUZHU_DEBUG === '1' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(failure.exitStatus);
}

/**
 * Gives every command, down the tree, the same handling of a mistyped command line: exit status 2 (commander's own
 * is 1, which here means "a check found a problem"), and under --json the error as JSON instead of commander's text
 * and help. Subcommands added with addCommand inherit nothing from their parent, hence the walk.
 */
export function applyCommandLineConventions(program: Command): void {
  program.hook('preAction', (_program, actionCommand) => {
    errorsAsJson = actionCommand.opts().json === true;
  });
  const visit = (command: Command) => {
    command
      .configureOutput({ writeErr: (text) => { if (!errorsAsJson) process.stderr.write(text); } })
      .exitOverride((error: CommanderError) => {
        if (error.exitCode === 0) process.exit(exitStatus.ok);
        if (!errorsAsJson) process.exit(exitStatus.usage);
        failAndExit(new CommandError('usage', error.message.replace(/^error: /, '')));
      });
    for (const sub of command.commands) visit(sub);
  };
  visit(program);
}
