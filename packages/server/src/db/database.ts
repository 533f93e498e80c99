import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type SqliteDatabase,
} from 'kysely';
import type { Config } from '../config';
import type { Database } from './schema';
import { TableWrites } from './table-writes';

export type Dialect = 'sqlite' | 'postgres';

export interface Db {
  readonly kysely: Kysely<Database>;
  readonly dialect: Dialect;
  /** PostgreSQL schema (search_path) when not the default. */
  readonly schema?: string;
  /** PostgreSQL connection string, for the LISTEN/NOTIFY connections (live events, identity). */
  readonly url?: string;
  /** PostgreSQL: the tables this process writes, told as each statement runs and once it is committed (decision 0028). */
  readonly tableWrites?: TableWrites;
  destroy(): Promise<void>;
}

// pg returns int8 as a string to protect precision; our int8 columns (sequence numbers) stay
// well inside 2^53, so read them as numbers.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

/**
 * SQLite's default BEGIN is deferred: a transaction that reads and then writes can fail with
 * SQLITE_BUSY when another process wrote in between (the CLI next to a running server).
 * BEGIN IMMEDIATE takes the write lock up front and waits for it under busy_timeout.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/**
 * Kysely prepares every query afresh; compiling SQL was a fifth of the server's time per request
 * (bench/). Statements are reused by their text, a bounded number of them.
 */
function withStatementCache(database: BetterSqlite3.Database, max = 500): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (!statement) {
        statement = database.prepare(sql);
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

class ImmediateSqliteDialect extends SqliteDialect {
  private readonly database: SqliteDatabase;
  constructor(raw: BetterSqlite3.Database) {
    const database = withStatementCache(raw);
    super({ database });
    this.database = database;
  }
  override createDriver() {
    return new ImmediateSqliteDriver({ database: this.database });
  }
}

export function openSqlite(file: string): Db {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const database = new BetterSqlite3(file);
  database.pragma('journal_mode = WAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  database.pragma('synchronous = FULL');
  const kysely = new Kysely<Database>({ dialect: new ImmediateSqliteDialect(database) });
  return { kysely, dialect: 'sqlite', destroy: () => kysely.destroy() };
}

/** 63 characters for a NOTIFY channel, less the longest prefix, `releasegate_identity_`. */
const MAX_SCHEMA_LENGTH = 63 - 'releasegate_identity_'.length;

export interface PostgresOptions {
  /** Schema to use as search_path; tests use one schema each. */
  schema?: string;
  max?: number;
  /** Told when an idle connection fails (logged by the server); the pool replaces it itself. */
  onIdleError?: (error: Error) => void;
}

export function openPostgres(url: string, options: PostgresOptions = {}): Db {
  if (options.schema && !/^[a-z_][a-z0-9_]*$/.test(options.schema))
    throw new Error(`Invalid schema name ${options.schema}`);
  // The NOTIFY channels are named after the schema (`releasegate_identity_<schema>`, decision 0028)
  // and PostgreSQL refuses a channel longer than 63 characters: the triggers would refuse every write.
  if (options.schema && options.schema.length > MAX_SCHEMA_LENGTH)
    throw new Error(`Schema name ${options.schema} is too long: at most ${MAX_SCHEMA_LENGTH} characters`);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // An idle pooled connection the server ends (a restart, a failover, an administrator's
  // pg_terminate_backend) emits 'error' on the pool; unheard, that error would end the process.
  // The pool has already discarded the connection and the next query opens a new one.
  pool.on('error', (error) => options.onIdleError?.(error));
  const tableWrites = new TableWrites();
  const kysely = new Kysely<Database>({ dialect: tableWrites.dialect(new PostgresDialect({ pool })) });
  return {
    kysely,
    dialect: 'postgres',
    schema: options.schema,
    url,
    tableWrites,
    destroy: () => kysely.destroy(),
  };
}

export function openDatabase(
  config: Pick<Config, 'database'>,
  options: Pick<PostgresOptions, 'onIdleError'> = {},
): Db {
  return config.database.kind === 'postgres'
    ? openPostgres(config.database.url, { schema: config.database.schema, ...options })
    : openSqlite(config.database.file);
}
