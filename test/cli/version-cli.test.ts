import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runJiuzhu } from '../helpers/cli.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('jiuzhu --version', () => {
  it.each(['--version', '-V'])('prints the version in package.json for %s, touching no store', async (flag) => {
    const result = await runJiuzhu({ JIUZHU_DB: '/nonexistent/dir/never.db', JIUZHU_MASTER_KEY_FILE: '/nonexistent/dir/master.key' }, flag);
    expect(result).toEqual({ stdout: `${version}\n`, stderr: '', code: 0 });
  });
});
