import { describe, expect, it } from 'vitest';
import { AdapterError } from '../../adapters/kit/adapter-error.js';
import { CommandError, describeFailure, exitStatus } from '../../gateway/cli/cli-failure.js';
import { CryptoError } from '../../gateway/crypto/crypto-error.js';
import { EnvelopeError } from '../../gateway/crypto/envelope-errors.js';
import { ProblemError } from '../../gateway/errors.js';
import { MasterKeyError } from '../../gateway/keystore/master-key.js';
import { StoreError } from '../../gateway/store/store-errors.js';

/** Which exit status each kind of failure ends a command with: the table in docs/cli.md. */
describe('describeFailure', () => {
  const cases: [string, unknown, { code: string; exitStatus: number }][] = [
    ['a refused file is a finding', new ProblemError('file-refused', 'x.csv has no 公民身份号码 column'), { code: 'file-refused', exitStatus: exitStatus.found }],
    ['a feed reader’s refusal is a refused file', new AdapterError('unreadable', 'x.csv', 'not CSV'), { code: 'file-refused', exitStatus: exitStatus.found }],
    ['a tampered envelope is a finding, under its API problem code', new EnvelopeError('tampered', 'the content does not match'), { code: 'envelope-tampered', exitStatus: exitStatus.found }],
    ['an API 4xx problem is an input error', new ProblemError('not-found', 'no key 9'), { code: 'not-found', exitStatus: exitStatus.usage }],
    ['the API’s internal error is internal', new ProblemError('internal-error', 'boom'), { code: 'internal-error', exitStatus: exitStatus.internal }],
    ['a command’s own sentence is an input error', new Error('--purpose must say why the entries are exported'), { code: 'invalid-input', exitStatus: exitStatus.usage }],
    ['a missing store', new StoreError('missing', 'no store at …'), { code: 'store-missing', exitStatus: exitStatus.store }],
    ['a refused connection, however deep in the causes', new Error('cannot prepare', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) }), { code: 'store-unreachable', exitStatus: exitStatus.store }],
    ['a missing master key behind the store’s opening', new Error('cannot prepare SQLite x.db', { cause: new MasterKeyError('no master key') }), { code: 'key-unavailable', exitStatus: exitStatus.keys }],
    ['a key that does not decrypt', new CryptoError('decrypt-failed', 'wrong passphrase'), { code: 'key-unavailable', exitStatus: exitStatus.keys }],
    ['a usage error raised by a command', new CommandError('usage', 'say --from or --public-key'), { code: 'usage', exitStatus: exitStatus.usage }],
    ['a TypeError is a bug', new TypeError('cannot read properties of undefined'), { code: 'internal-error', exitStatus: exitStatus.internal }],
    ['something thrown that is not an Error is a bug', 'a string', { code: 'internal-error', exitStatus: exitStatus.internal }],
  ];

  it.each(cases)('%s', (_name, error, expected) => {
    expect(describeFailure(error)).toMatchObject(expected);
  });

  it('gives an API problem its problem type and the sentence the terminal shows', () => {
    expect(describeFailure(new ProblemError('not-found', 'no active API key 9'))).toEqual({
      code: 'not-found', type: 'urn:jiuzhu:problem:not-found', title: 'Not found', detail: 'no active API key 9', exitStatus: 2, sentence: 'Not found: no active API key 9',
    });
  });
});
