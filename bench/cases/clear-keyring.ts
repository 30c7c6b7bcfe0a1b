import type { DataKeyring } from '../../gateway/keystore/data-keys.js';
import type { Store } from '../../gateway/store/connect.js';
import { attachKeyring } from '../../gateway/store/personal-data.js';

/**
 * The benchmark's baseline for personal data at rest: a keyring that stores every value as it is — the blind index is
 * the value, the "ciphertext" the value — so the same code, on the same schema, writes and joins the same rows with no
 * SM4, no HMAC and the narrower clear values. What encryption and blind indexes cost is the difference between a
 * store opened with it and one opened with the real keys. It lives here, under bench/, and nowhere the gateway runs.
 * It has no keys to hand a worker thread (no `writingKeys`), so its imports read and map inline, on one thread: the
 * "in clear" import line is that single-threaded import, not the worker's.
 */
function clearKeyring(): DataKeyring {
  const same = <T>(values: readonly T[]): T[] => [...values];
  return {
    activeFieldKeyId: 0,
    encrypt: (value) => value,
    encryptMany: same as DataKeyring['encryptMany'],
    decrypt: async (text) => text,
    decryptMany: (async (texts: readonly (string | null)[]) => same(texts)) as DataKeyring['decryptMany'],
    blindIndex: (_kind, value) => value,
    refresh: async () => undefined,
    startRefreshing: () => () => undefined,
    list: async () => [],
    revealFieldKey: () => {
      throw new Error('the clear baseline has no keys');
    },
    startFieldKeyRotation: async () => {
      throw new Error('the clear baseline has no keys');
    },
    retireFieldKeys: async () => undefined,
  };
}

/** The store, its personal fields now written and read in clear (for the baseline case of a benchmark only). */
export function storeInClear(store: Store): Store {
  const keyring = clearKeyring();
  attachKeyring(store.knex, keyring);
  return { ...store, keyring };
}
