/**
 * OpenPGP for partners that already run it — above all the bank that receives the monthly payment roll
 * (救助金发放名册) and pays each household. The roll names people, ID numbers and bank accounts, so it travels
 * encrypted to the bank and signed by the civil-affairs office, and the bank's answers come back the same way.
 *
 * Pure functions over openpgp.js: armored keys and bytes in, armored keys and bytes out. Storing keys and
 * passphrases is the keystore's job, reading files the CLI's.
 */
import { Readable } from 'node:stream';
import { ReadableStream } from 'node:stream/web';
import * as openpgp from 'openpgp';

export type PgpErrorCode =
  | 'bad-key'
  | 'bad-passphrase'
  | 'not-for-us'
  | 'unsigned'
  | 'bad-signature'
  | 'unknown-signer'
  | 'malformed'
  | 'expired-key';

/**
 * Every OpenPGP failure, with a code the caller can act on and openpgp's own error kept as the cause. Messages
 * start with `[pgp]`, as CryptoError's start with `[crypto]`, so a log line names its source.
 */
export class PgpError extends Error {
  readonly code: PgpErrorCode;

  constructor(code: PgpErrorCode, message: string, options?: { cause?: unknown }) {
    super(`[pgp] ${message}`, options);
    this.name = 'PgpError';
    this.code = code;
  }
}

export interface PgpKeyPair {
  /** The primary key's long key id: 16 upper-case hex digits, as `gpg --keyid-format long` prints it. */
  keyId: string;
  /** 40 upper-case hex digits, as gpg prints it, so the two can be compared by eye over the phone with the bank. */
  fingerprint: string;
  userId: string;
  publicKeyArmored: string;
  /** Always encrypted with the passphrase given at generation. */
  privateKeyArmored: string;
}

export interface PgpPublicKeyInfo {
  keyId: string;
  fingerprint: string;
  userIds: string[];
  /** ISO 8601, or null for a key that never expires. */
  expiresAt: string | null;
  /** openpgp's algorithm name with the curve or the RSA size, e.g. `eddsaLegacy/ed25519Legacy` or `rsaEncryptSign/3072`. */
  algorithm: string;
}

export interface PgpEncryptOptions {
  content: Uint8Array | NodeJS.ReadableStream;
  recipientPublicKeysArmored: string[];
  signingPrivateKeyArmored: string;
  passphrase: string;
  /** ASCII armor for partners who move files through e-mail or text-only channels; binary (the default) is 25 % smaller. */
  armor?: boolean;
}

export interface PgpDecryptOptions {
  /** Binary, or armored text (as a string, or as the bytes of an `.asc` file). */
  message: Uint8Array | string;
  decryptionPrivateKeyArmored: string;
  passphrase: string;
  senderPublicKeysArmored: string[];
  /** Ceiling on the decrypted content; see {@link defaultMaxContentBytes}. */
  maxContentBytes?: number;
}

export interface PgpDecryptedMessage {
  content: Uint8Array;
  /** The primary key id of the sender key that signed, even when one of its subkeys made the signature. */
  signedBy: string;
  /** When the sender says it signed (the signature's creation time), ISO 8601. */
  signedAt: string | null;
}

/**
 * GnuPG compresses by default and openpgp.js inflates without limit, before any signature is checked: a few
 * kilobytes from anyone who knows our public key could otherwise inflate to gigabytes. 512 MiB is far above a
 * province's monthly roll (about 200 bytes a row).
 */
export const defaultMaxContentBytes = 512 * 1024 * 1024;

/**
 * Settings we depend on, passed on every call so a change to openpgp's global `config` elsewhere cannot weaken
 * them. Unauthenticated encryption (the SED packet) is refused, and so is releasing plaintext before its
 * integrity check has run; the grammar of a message is enforced, and malformed packets are errors, not skipped.
 * What we send is not compressed: compressing before encrypting lets the ciphertext's length reveal how
 * repetitive the content is, and the roll is small enough not to need it.
 */
const strictConfig = {
  allowUnauthenticatedMessages: false,
  allowUnauthenticatedStream: false,
  enforceGrammar: true,
  ignoreMalformedPackets: false,
  preferredCompressionAlgorithm: openpgp.enums.compression.uncompressed,
} satisfies openpgp.PartialConfig;

/**
 * Generates a v4 key pair on Curve25519: an Ed25519 primary key that certifies and signs, and an X25519 (ECDH)
 * subkey that encrypts. This is openpgp.js's default ECC key, and GnuPG 2.1 and later read it, which is what
 * bank integration teams run. It is generated in milliseconds (RSA-3072 takes seconds), its keys and signatures
 * are small, and its arithmetic is constant-time by design. The newer RFC 9580 forms (v6 keys, the new
 * Ed25519/X25519 algorithm ids) are avoided because GnuPG 2.2 and 2.4 cannot read them yet.
 */
export async function generatePgpKeyPair(options: { userId: string; passphrase: string }): Promise<PgpKeyPair> {
  requirePassphrase(options.passphrase);
  let generated: { publicKey: string; privateKey: string };
  try {
    generated = await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [parseUserId(options.userId)],
      passphrase: options.passphrase,
      format: 'armored',
      config: { v6Keys: false },
    });
  } catch (error) {
    if (error instanceof PgpError) throw error;
    throw new PgpError('bad-key', `Cannot generate a key for user id "${options.userId}": ${messageOf(error)}`, { cause: error });
  }
  const { publicKey, privateKey } = generated;
  const key = await openpgp.readKey({ armoredKey: publicKey });
  const userId = key.getUserIDs()[0];
  if (userId === undefined) throw new PgpError('bad-key', 'The generated key has no user id');
  return { keyId: keyIdOf(key), fingerprint: fingerprintOf(key), userId, publicKeyArmored: publicKey, privateKeyArmored: privateKey };
}

/**
 * Reads a partner's public key and checks it is fit to use today: one key, public only, validly self-signed,
 * neither revoked nor expired, and not of an algorithm openpgp.js considers broken (DSA, ElGamal, short RSA).
 */
export async function readPgpPublicKey(armored: string): Promise<PgpPublicKeyInfo> {
  const key = await readUsablePublicKey(armored, 'the public key');
  const expiry = await key.getExpirationTime();
  const { algorithm, curve, bits } = key.getAlgorithmInfo();
  return {
    keyId: keyIdOf(key),
    fingerprint: fingerprintOf(key),
    userIds: key.getUserIDs(),
    expiresAt: expiry instanceof Date ? expiry.toISOString() : null,
    algorithm: curve ? `${algorithm}/${curve}` : bits ? `${algorithm}/${bits}` : algorithm,
  };
}

/**
 * Signs, then encrypts to every recipient, in one OpenPGP message — what the bank's GnuPG expects from
 * `gpg --decrypt`. The signature sits inside the encryption, so nobody on the wire learns who signed, and the
 * bank keeps proof of which office issued the roll after decrypting it. The signature covers the content, not
 * the recipients (the known limit of sign-then-encrypt): a recipient could re-encrypt the signed roll to a third
 * party, so what a roll is for must be stated in the roll itself, never inferred from who received it.
 * The encryption is SEIPD v1 with its modification-detection code unless every recipient key advertises
 * SEIPD v2 (AEAD); v4 keys from GnuPG and from {@link generatePgpKeyPair} do not, so GnuPG 2.2 can read it.
 */
export async function pgpEncryptAndSign(options: PgpEncryptOptions): Promise<Uint8Array> {
  const output = await encryptMessage(await prepareEncryption(options), options.armor ?? false);
  if (typeof output === 'string') return new TextEncoder().encode(output);
  if (output instanceof Uint8Array) return output;
  return collectBytes(output);
}

/**
 * The same message as {@link pgpEncryptAndSign}, produced while the content is read, so a roll written
 * straight from a database cursor never sits whole in memory. Keys are checked before this resolves; a failure
 * while reading the content surfaces as an `error` event on the returned stream.
 */
export async function pgpEncryptAndSignStream(options: PgpEncryptOptions): Promise<Readable> {
  const content = options.content instanceof Uint8Array ? Readable.from([options.content]) : options.content;
  const output = await encryptMessage(await prepareEncryption({ ...options, content }), options.armor ?? false);
  if (typeof output === 'string' || output instanceof Uint8Array) throw new TypeError('openpgp returned whole bytes for a streamed message');
  return Readable.fromWeb(output);
}

/**
 * Decrypts a message addressed to us and returns its content only once every signature on it has verified
 * against one of the expected senders. There is deliberately no streaming variant: a stream would hand out
 * plaintext before the signature at its end could be checked.
 */
export async function pgpDecryptAndVerify(options: PgpDecryptOptions): Promise<PgpDecryptedMessage> {
  const decryptionKey = await unlockPrivateKey(options.decryptionPrivateKeyArmored, options.passphrase);
  const senderKeys = await Promise.all(options.senderPublicKeysArmored.map((armored) => readPublicKeyOnly(armored, 'a sender key')));
  if (senderKeys.length === 0) throw new PgpError('unknown-signer', 'No sender keys were given, so no signature could be trusted');
  const message = await readEncryptedMessage(options.message);
  requireAddressedTo(message, decryptionKey);

  let decrypted: openpgp.DecryptMessageResult;
  try {
    // expectSigned makes openpgp refuse a message without signatures, and, because the input is not a stream,
    // read the content to its end and check the signatures before this promise settles.
    decrypted = await openpgp.decrypt({
      message,
      decryptionKeys: decryptionKey,
      verificationKeys: senderKeys,
      expectSigned: true,
      format: 'binary',
      config: { ...strictConfig, maxDecompressedMessageSize: options.maxContentBytes ?? defaultMaxContentBytes },
    });
  } catch (error) {
    throw classifyDecryptionFailure(error);
  }

  // openpgp settles for any one good signature; we require all of them, and `verified` is a lazy promise that
  // only rejects when awaited.
  let signedBy: string | undefined;
  let signedAt: string | null = null;
  for (const signature of decrypted.signatures) {
    try {
      await signature.verified;
    } catch (error) {
      throw classifyDecryptionFailure(error);
    }
    if (signedBy === undefined) {
      const signer = senderKeys.find((key) => key.getKeys(signature.keyID).length > 0);
      if (signer === undefined) throw new PgpError('unknown-signer', `Signed by key ${hexOf(signature.keyID)}, which is not among the sender keys`);
      signedBy = keyIdOf(signer);
      const created = (await signature.signature).packets[0]?.created;
      signedAt = created ? created.toISOString() : null;
    }
  }
  if (signedBy === undefined) throw new PgpError('unsigned', 'The message is not signed');
  if (!(decrypted.data instanceof Uint8Array)) throw new PgpError('malformed', 'The message did not decrypt to bytes');
  return { content: decrypted.data, signedBy, signedAt };
}

async function prepareEncryption(options: PgpEncryptOptions): Promise<PreparedEncryption> {
  if (options.recipientPublicKeysArmored.length === 0) throw new PgpError('bad-key', 'No recipient keys were given');
  const signingKeys = await unlockPrivateKey(options.signingPrivateKeyArmored, options.passphrase);
  try {
    await signingKeys.getSigningKey();
  } catch (error) {
    throw keyFailure(error, 'Our signing key cannot sign');
  }
  const encryptionKeys = await Promise.all(
    options.recipientPublicKeysArmored.map(async (armored) => {
      const key = await readUsablePublicKey(armored, 'a recipient key');
      try {
        await key.getEncryptionKey();
      } catch (error) {
        throw keyFailure(error, `Recipient key ${keyIdOf(key)} has no usable encryption subkey`);
      }
      return key;
    }),
  );
  const message =
    options.content instanceof Uint8Array
      ? await openpgp.createMessage({ binary: options.content, format: 'binary' })
      : await openpgp.createMessage({ binary: ReadableStream.from(bytesOf(options.content)), format: 'binary' });
  return { message, encryptionKeys, signingKeys };
}

interface PreparedEncryption {
  message: openpgp.Message<Uint8Array> | openpgp.Message<ReadableStream<Uint8Array>>;
  encryptionKeys: openpgp.PublicKey[];
  signingKeys: openpgp.PrivateKey;
}

/**
 * openpgp's declared return types collapse to `any` (they import `@openpgp/web-stream-tools`, which is not
 * installed with it), so the three shapes it really returns are spelled out here.
 */
async function encryptMessage(prepared: PreparedEncryption, armor: boolean): Promise<string | Uint8Array | ReadableStream<string | Uint8Array>> {
  const output: unknown = armor
    ? await openpgp.encrypt({ ...prepared, format: 'armored', config: strictConfig })
    : await openpgp.encrypt({ ...prepared, format: 'binary', config: strictConfig });
  if (typeof output === 'string' || output instanceof Uint8Array || output instanceof ReadableStream) return output;
  throw new TypeError('openpgp.encrypt returned neither bytes, text nor a web stream');
}

/** openpgp.js v6 takes web streams only and throws on a Node stream, so Node content is adapted here. */
async function* bytesOf(stream: NodeJS.ReadableStream): AsyncGenerator<Uint8Array> {
  for await (const chunk of stream) {
    if (typeof chunk === 'string') throw new TypeError('The content stream yields text; read it without an encoding so it yields bytes');
    yield chunk;
  }
}

async function collectBytes(stream: ReadableStream<Uint8Array | string>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk);
  // Copied into a buffer of its own rather than a view on Buffer's shared pool, whose `.buffer` holds other data.
  const joined = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return joined;
}

async function unlockPrivateKey(armored: string, passphrase: string): Promise<openpgp.PrivateKey> {
  requirePassphrase(passphrase);
  let key: openpgp.PrivateKey;
  try {
    key = await openpgp.readPrivateKey({ armoredKey: armored, config: strictConfig });
  } catch (error) {
    const isPublic = /not of type private key/i.test(messageOf(error));
    throw new PgpError('bad-key', isPublic ? 'A public key was given where our private key is needed' : 'The private key is not a readable armored OpenPGP key', { cause: error });
  }
  // Our keys are stored encrypted; an unprotected one means it was exported or handled outside the keystore.
  if (key.isDecrypted()) throw new PgpError('bad-key', `Private key ${keyIdOf(key)} is not protected by a passphrase`);
  try {
    return await openpgp.decryptKey({ privateKey: key, passphrase });
  } catch (error) {
    if (/incorrect key passphrase/i.test(messageOf(error))) {
      throw new PgpError('bad-passphrase', `Wrong passphrase for private key ${keyIdOf(key)}`, { cause: error });
    }
    throw new PgpError('bad-key', `Private key ${keyIdOf(key)} cannot be unlocked`, { cause: error });
  }
}

/** Parses exactly one public key; validity over time is left to the caller. */
async function readPublicKeyOnly(armored: string, what: string): Promise<openpgp.PublicKey> {
  let keys: openpgp.Key[];
  try {
    keys = await openpgp.readKeys({ armoredKeys: armored, config: strictConfig });
  } catch (error) {
    throw new PgpError('bad-key', `${capitalise(what)} is not a readable armored OpenPGP key`, { cause: error });
  }
  const [key, ...others] = keys;
  if (key === undefined) throw new PgpError('bad-key', `${capitalise(what)} contains no key`);
  if (others.length > 0) throw new PgpError('bad-key', `${capitalise(what)} contains ${keys.length} keys; give one key at a time`);
  if (key.isPrivate()) throw new PgpError('bad-key', `${capitalise(what)} is a private key; only the public key may be shared`);
  return key;
}

async function readUsablePublicKey(armored: string, what: string): Promise<openpgp.PublicKey> {
  const key = await readPublicKeyOnly(armored, what);
  try {
    await key.verifyPrimaryKey();
  } catch (error) {
    throw keyFailure(error, `Key ${keyIdOf(key)} is not valid`);
  }
  const { algorithm, bits } = key.getAlgorithmInfo();
  if (openpgp.config.rejectPublicKeyAlgorithms.has(key.keyPacket.algorithm)) {
    throw new PgpError('bad-key', `Key ${keyIdOf(key)} uses ${algorithm}, which is no longer considered safe`);
  }
  if (algorithm.startsWith('rsa') && (bits ?? 0) < openpgp.config.minRSABits) {
    throw new PgpError('bad-key', `Key ${keyIdOf(key)} is RSA-${bits ?? '?'}, shorter than the ${openpgp.config.minRSABits}-bit minimum`);
  }
  return key;
}

async function readEncryptedMessage(input: Uint8Array | string): Promise<openpgp.Message<Uint8Array | string>> {
  const armored = typeof input === 'string' ? input : looksArmored(input) ? new TextDecoder().decode(input) : undefined;
  let message: openpgp.Message<Uint8Array | string>;
  try {
    message =
      armored === undefined
        ? await openpgp.readMessage({ binaryMessage: input as Uint8Array, config: strictConfig })
        : await openpgp.readMessage({ armoredMessage: armored, config: strictConfig });
  } catch (error) {
    throw new PgpError('malformed', 'The message is not a readable OpenPGP message', { cause: error });
  }
  const tags = message.packets.map((packet) => (packet.constructor as { tag?: number }).tag);
  // Checked here as well as by openpgp (allowUnauthenticatedMessages) so the refusal says what is wrong.
  if (tags.includes(openpgp.enums.packet.symmetricallyEncryptedData)) {
    throw new PgpError('malformed', 'The message uses unauthenticated encryption (a SED packet without integrity protection), which is refused');
  }
  if (!tags.includes(openpgp.enums.packet.symEncryptedIntegrityProtectedData) && !tags.includes(openpgp.enums.packet.aeadEncryptedData)) {
    throw new PgpError('malformed', 'The message is not encrypted');
  }
  return message;
}

function looksArmored(bytes: Uint8Array): boolean {
  return new TextDecoder().decode(bytes.subarray(0, 64)).trimStart().startsWith('-----BEGIN PGP MESSAGE-----');
}

/** Refuses early, with a clear reason, a message whose session key is not encrypted to any of our (sub)keys. */
function requireAddressedTo(message: openpgp.Message<Uint8Array | string>, key: openpgp.PrivateKey): void {
  const recipients = message.getEncryptionKeyIDs();
  if (recipients.length === 0) throw new PgpError('not-for-us', 'The message is encrypted with a password, not to a key');
  const ours = key.getKeyIDs();
  const addressedToUs = recipients.some((recipient) => ours.some((id) => id.equals(recipient, true)));
  if (!addressedToUs) {
    throw new PgpError('not-for-us', `The message is encrypted to ${recipients.map(hexOf).join(', ')}, not to our key ${keyIdOf(key)}`);
  }
}

/** openpgp.js reports every failure as a plain Error; its messages are the only way to tell them apart. */
function classifyDecryptionFailure(error: unknown): PgpError {
  if (error instanceof PgpError) return error;
  const text = messageOf(error);
  const rules: Array<[RegExp, PgpErrorCode, string]> = [
    [/message is not signed/i, 'unsigned', 'The message is not signed'],
    [/could not find signing key/i, 'unknown-signer', 'The message is signed by a key that is not among the sender keys'],
    [/no decryption key packets found|session key decryption failed/i, 'not-for-us', 'The message is not encrypted to our key'],
    [/signed digest did not match|signature verification failed|key is newer than the signature/i, 'bad-signature', 'The signature does not match the content'],
    [/modification detected|authentication tag mismatch|key data integrity failed/i, 'bad-signature', 'The message was altered after it was sent (integrity check failed)'],
    [/expired/i, 'expired-key', 'The signing key had expired when the message was signed'],
    [/revoked/i, 'bad-key', 'The signing key is revoked'],
    [/maximum decompressed message size exceeded/i, 'malformed', 'The message inflates beyond the content size limit'],
  ];
  const rule = rules.find(([pattern]) => pattern.test(text));
  return rule ? new PgpError(rule[1], rule[2], { cause: error }) : new PgpError('malformed', 'The message cannot be decrypted', { cause: error });
}

function keyFailure(error: unknown, context: string): PgpError {
  const text = messageOf(error);
  if (/expired/i.test(text)) return new PgpError('expired-key', `${context}: it has expired`, { cause: error });
  if (/revoked/i.test(text)) return new PgpError('bad-key', `${context}: it has been revoked`, { cause: error });
  return new PgpError('bad-key', `${context}: ${text}`, { cause: error });
}

/** "名称 (注释) <email>", "名称 <email>", a bare address or a bare name, as gpg accepts them. */
function parseUserId(userId: string): openpgp.UserID {
  const match = /^\s*([^<>()]*?)\s*(?:\(([^()]*)\))?\s*(?:<([^\s<>@]+@[^\s<>@]+)>)?\s*$/u.exec(userId);
  const bareEmail = /^\s*([^\s<>@()]+@[^\s<>@()]+)\s*$/u.exec(userId);
  if (bareEmail?.[1]) return { email: bareEmail[1] };
  if (!match || !(match[1] || match[3])) {
    throw new PgpError('bad-key', `User id "${userId}" is not of the form "Name <email>"`);
  }
  return { ...(match[1] ? { name: match[1] } : {}), ...(match[2] ? { comment: match[2] } : {}), ...(match[3] ? { email: match[3] } : {}) };
}

function requirePassphrase(passphrase: string): void {
  if (typeof passphrase !== 'string' || passphrase.length === 0) {
    throw new PgpError('bad-passphrase', 'A passphrase is required: private keys are never stored unprotected');
  }
}

function keyIdOf(key: openpgp.Key): string {
  return hexOf(key.getKeyID());
}

function fingerprintOf(key: openpgp.Key): string {
  return key.getFingerprint().toUpperCase();
}

function hexOf(keyId: openpgp.KeyID): string {
  return keyId.toHex().toUpperCase();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
