import { readFile } from 'node:fs/promises';
import { CommandError } from './cli-failure.js';

/**
 * A key's passphrase: the first line of `--passphrase-file`, or typed at the terminal without echo. Never an argument
 * on the command line, where `ps` and the shell history would show it to everyone on the machine.
 */
export async function readPassphrase(passphraseFile: string | undefined, what: string): Promise<string> {
  if (passphraseFile !== undefined) {
    const [firstLine = ''] = (await readFile(passphraseFile, 'utf8')).split(/\r?\n/, 1);
    if (!firstLine) throw new CommandError('invalid-input', `${passphraseFile} is empty: its first line must be the passphrase of ${what}`);
    return firstLine;
  }
  if (!process.stdin.isTTY) throw new CommandError('invalid-input', `${what} is encrypted: give its passphrase with --passphrase-file FILE, or run the command on a terminal to be asked for it`);
  return askWithoutEcho(`passphrase of ${what}: `);
}

/** Raw mode, so the terminal shows nothing of what is typed; Ctrl-C stops the command as it would anywhere. */
function askWithoutEcho(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (text: string) => {
      for (const character of text) {
        if (character === '\r' || character === '\n' || character === '\u0004') {
          finish();
          resolve(typed);
          return;
        }
        if (character === '\u0003') {
          finish();
          reject(new CommandError('usage', 'interrupted at the passphrase prompt'));
          return;
        }
        typed = character === '\u007f' || character === '\b' ? typed.slice(0, -1) : typed + character;
      }
    };
    stdin.on('data', onData);
  });
}
