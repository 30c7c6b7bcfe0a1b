import { createSm2MessageHash, defaultSm2UserId, sm2SignDigest, sm2VerifyDigest, type Sm2PublicKey, type Sm2Signer } from './sm2.js';

/**
 * SM2 signatures over a whole file or stream, as `openssl pkeyutl -sign -rawin -digest sm3` makes them: e = SM3(Z ‖ M)
 * with Z from the signer's key and user ID (GB/T 32918.2 §6.1), the signature DER (GM/T 0009). Z comes first, so it is
 * hashed before M is streamed in: a file of any size is read once, in constant memory.
 */
export async function sm2SignStream(message: AsyncIterable<Uint8Array>, signer: Sm2Signer, userId: string = defaultSm2UserId): Promise<Buffer> {
  const hash = createSm2MessageHash(signer.publicKey, userId);
  for await (const chunk of message) hash.update(chunk);
  return sm2SignDigest(hash.digest(), signer);
}

/**
 * The key among `keys` whose signature `signatureDer` is over the stream, or undefined. Each key has its own Z, so each
 * gets its own hash, all fed in the one pass over the message (a partner in its key's grace period has two keys).
 */
export async function sm2VerifyStream(message: AsyncIterable<Uint8Array>, signatureDer: Uint8Array, keys: readonly Sm2PublicKey[], userId: string = defaultSm2UserId): Promise<Sm2PublicKey | undefined> {
  const hashes = keys.map((key) => ({ key, hash: createSm2MessageHash(key, userId) }));
  for await (const chunk of message) for (const { hash } of hashes) hash.update(chunk);
  return hashes.find(({ key, hash }) => sm2VerifyDigest(hash.digest(), signatureDer, key))?.key;
}
