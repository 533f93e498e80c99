// Prototype of the proposed fix, loaded in front of the unchanged server:
//   node --import tsx --import ./bench/src/experiments/statement-cache-preload.ts packages/server/bin/releasegate.js serve
// Kysely's SQLite driver calls better-sqlite3's prepare() for every query it runs. This reuses the
// prepared statement for the same SQL text on the same database handle, which is what the fix in
// packages/server/src/db/database.ts would do by handing Kysely a caching prepare().
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3') as typeof BetterSqlite3;
const MAX_STATEMENTS = 500;

// eslint-disable-next-line @typescript-eslint/unbound-method -- always called with .call(this, …)
const prepare = Database.prototype.prepare;
const caches = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

Database.prototype.prepare = function cachedPrepare(this: BetterSqlite3.Database, sql: string) {
  let cache = caches.get(this);
  if (!cache) caches.set(this, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) {
    statement = prepare.call(this, sql);
    if (cache.size >= MAX_STATEMENTS) cache.delete(cache.keys().next().value!);
    cache.set(sql, statement);
  }
  return statement;
} as typeof prepare;
