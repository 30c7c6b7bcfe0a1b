/**
 * Object identifiers of the SM2 cryptographic message syntax (GM/T 0010-2012 ≈ GB/T 35275-2017) and the SM
 * algorithms (GM/T 0006), as vendor toolkits and GmSSL use them (research/crypto-facts.md §6.1).
 */
export const gmt0010 = {
  data: '1.2.156.10197.6.1.4.2.1',
  signedData: '1.2.156.10197.6.1.4.2.2',
  envelopedData: '1.2.156.10197.6.1.4.2.3',
} as const;

export const smAlgorithms = {
  sm3: '1.2.156.10197.1.401',
  sm2Sign: '1.2.156.10197.1.301.1',
  sm2Encrypt: '1.2.156.10197.1.301.3',
  sm4Cbc: '1.2.156.10197.1.104.2',
  /** CFCA's toolkit names SM4-CBC by the bare SM4 OID (emmansun/gmsm docs/cfca.md); accepted when opening. */
  sm4: '1.2.156.10197.1.104',
} as const;

/** PKCS#9 attribute types, which GM/T 0010 keeps for SignerInfo authenticated attributes. */
export const pkcs9 = {
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
} as const;

/**
 * jiuzhu's own signed attributes: the sender and recipient party ids and a replay nonce. No registry arc is
 * ours, so they live under a UUID-derived OID (ITU-T X.667: 2.25.<UUID as an integer>), which needs no
 * registration and cannot collide.
 */
const jiuzhuArc = '2.25.251868608163658190752485527736575680900';
export const jiuzhuAttributes = {
  senderId: `${jiuzhuArc}.1`,
  recipientId: `${jiuzhuArc}.2`,
  nonce: `${jiuzhuArc}.3`,
} as const;
