// A database with N audit events, written by the server's own audit writer (in process), as the
// running server would write them: user.update events with a before and an after picture.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqlite, type Db } from '../../packages/server/src/db/database';
import { migrateToLatest } from '../../packages/server/src/db/migrate';
import { createAuditWriter } from '../../packages/server/src/modules/audit/audit.service';
import type { RequestContext } from '../../packages/server/src/context';

export interface AuditFixture {
  db: Db;
  file: string;
  buildSec: number;
  /** Closes the database and deletes its directory. */
  dispose(): Promise<void>;
}

const BATCH = 1000;

export async function buildAuditFixture(events: number): Promise<AuditFixture> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releasegate-audit-bench-'));
  const file = path.join(dir, 'releasegate.db');
  const db = openSqlite(file);
  const dispose = async () => {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await migrateToLatest(db);
    const writer = createAuditWriter({
      dialect: 'sqlite',
      clock: { now: () => new Date() },
      algorithm: 'sha256',
    });
    const ctx: RequestContext = { principal: null, sourceIp: '127.0.0.1', requestId: null };
    const started = process.hrtime.bigint();
    for (let done = 0; done < events;) {
      const size = Math.min(BATCH, events - done);
      await db.kysely.transaction().execute(async (trx) => {
        for (let i = 0; i < size; i++) {
          const n = done + i;
          const user = {
            id: `00000000-0000-4000-8000-${String(n % 500).padStart(12, '0')}`,
            username: `user.${n % 500}`,
            displayName: `发布工程师 ${n % 500}`,
            email: `user.${n % 500}@example.com`,
            roles: ['operations_engineer', 'release_implementer'],
            disabled: false,
            failedAttempts: 0,
            lockedUntil: null,
            passwordChangedAt: '2026-11-01T08:00:00.000Z',
            createdAt: '2026-10-01T08:00:00.000Z',
            updatedAt: '2026-11-20T08:00:00.000Z',
          };
          await writer.record(trx, ctx, {
            action: 'user.update',
            entityType: 'user',
            entityId: user.id,
            before: user,
            after: {
              ...user,
              displayName: `${user.displayName} (更新 ${n})`,
              updatedAt: new Date().toISOString(),
            },
          });
        }
      });
      done += size;
    }
    return { db, file, buildSec: Number(process.hrtime.bigint() - started) / 1e9, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export const secondsSince = (from: bigint): number => Number(process.hrtime.bigint() - from) / 1e9;
