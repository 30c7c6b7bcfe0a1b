/**
 * Configuration comes from the environment only, read once at start-up and passed down;
 * nothing below this module reads process.env.
 */
export type DatabaseConfig =
  | { client: 'sqlite'; filename: string }
  | { client: 'pg'; connectionString: string; searchPath?: string };

export interface Config {
  database: DatabaseConfig;
  host: string;
  port: number;
  logLevel: string;
}

export const defaultSqliteFile = './data/jiuzhu.db';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer from 0 to 65535, got "${env.PORT}"`);
  }
  return {
    database: databaseConfigFrom(env),
    host: env.HOST ?? '127.0.0.1',
    port,
    logLevel: env.LOG_LEVEL ?? 'info',
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
