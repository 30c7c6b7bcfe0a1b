/**
 * Configuration comes from the environment only, read once at start-up and passed down;
 * nothing below this module reads process.env.
 */
export type DatabaseConfig =
  | { client: 'sqlite'; filename: string }
  | { client: 'pg'; connectionString: string; searchPath?: string };

/** The national-crypto exchange: who we are to partners, where our keys' master key is, what we tolerate. */
export interface ExchangeConfig {
  /** Our party id in envelopes (sender id when we seal, expected recipient id when we open). */
  partyId: string;
  /** 64 hex digits, or else the file that holds them (created with mode 0600 when absent). */
  masterKeyHex: string | undefined;
  masterKeyFile: string;
  /** Envelopes signed further than this from our clock are stale. */
  maxClockSkewSeconds: number;
  /** How long a replaced key (ours or a partner's) keeps decrypting or verifying. */
  keyGraceDays: number;
  /**
   * How often a running gateway rereads its data keys (JIUZHU_DATA_KEY_REFRESH_SECONDS, default 60), so that it takes up
   * a new field key soon after `jiuzhu keys rotate-data-key` makes one; the rotation waits twice this before its last
   * pass. Every process of a deployment must use the same value.
   */
  dataKeyRefreshSeconds: number;
}

export interface Config {
  database: DatabaseConfig;
  exchange: ExchangeConfig;
  host: string;
  port: number;
  logLevel: string;
  /** The comparison rule set (JIUZHU_RULES); config/rules/default.json when unset. */
  rulesFile: string | undefined;
  /**
   * The deployment's feed mappings (JIUZHU_FEEDS_DIR): `<source>.mapping.json` files that replace or add to the packaged
   * ones, and `<source>.synonyms.json` files that add header names and wordings to one (docs/feeds.md).
   */
  feedsDir: string | undefined;
  /**
   * The reverse proxies whose X-Forwarded-For names the client (JIUZHU_TRUST_PROXY: their addresses or CIDRs, comma
   * separated). Failed authentications are counted per client address, so behind a proxy this must be set, or every
   * client shares the proxy's count.
   */
  trustProxy: string | false;
  /**
   * How long `jiuzhu serve` waits on SIGTERM/SIGINT for requests in flight (JIUZHU_SHUTDOWN_SECONDS, default 10) before it
   * closes the connections still open and exits with status 1. The service manager's stop timeout must be longer.
   */
  shutdownSeconds: number;
}

export const defaultSqliteFile = './data/jiuzhu.db';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer from 0 to 65535, got "${env.PORT}"`);
  }
  return {
    database: databaseConfigFrom(env),
    exchange: exchangeConfigFrom(env),
    host: env.HOST ?? '127.0.0.1',
    port,
    logLevel: env.LOG_LEVEL ?? 'info',
    rulesFile: env.JIUZHU_RULES || undefined,
    feedsDir: env.JIUZHU_FEEDS_DIR || undefined,
    trustProxy: env.JIUZHU_TRUST_PROXY?.trim() || false,
    shutdownSeconds: nonNegativeNumber(env, 'JIUZHU_SHUTDOWN_SECONDS', 10),
  };
}

function nonNegativeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = Number(env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${env[name]}"`);
  return value;
}

export function exchangeConfigFrom(env: NodeJS.ProcessEnv): ExchangeConfig {
  return {
    partyId: env.JIUZHU_PARTY_ID ?? 'jiuzhu',
    masterKeyHex: env.JIUZHU_MASTER_KEY,
    masterKeyFile: env.JIUZHU_MASTER_KEY_FILE ?? './data/master.key',
    maxClockSkewSeconds: nonNegativeNumber(env, 'JIUZHU_ENVELOPE_MAX_SKEW_SECONDS', 300),
    keyGraceDays: nonNegativeNumber(env, 'JIUZHU_KEY_GRACE_DAYS', 30),
    dataKeyRefreshSeconds: nonNegativeNumber(env, 'JIUZHU_DATA_KEY_REFRESH_SECONDS', 60),
  };
}

/** DATABASE_URL wins over JIUZHU_DB, so a deployment that sets both runs on PostgreSQL. */
export function databaseConfigFrom(env: NodeJS.ProcessEnv): DatabaseConfig {
  if (env.DATABASE_URL) return { client: 'pg', connectionString: env.DATABASE_URL };
  return { client: 'sqlite', filename: env.JIUZHU_DB ?? defaultSqliteFile };
}

/** Where the database is, for messages: never prints a password. */
export function describeDatabase(database: DatabaseConfig): string {
  if (database.client === 'sqlite') return `SQLite ${database.filename}`;
  const url = new URL(database.connectionString);
  if (url.password) url.password = '***';
  return `PostgreSQL ${url.toString()}`;
}
