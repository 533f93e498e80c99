import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../app';
import { loadConfig } from '../config';
import { openSqlite } from '../db/database';
import { migrateToLatest } from '../db/migrate';

/**
 * Writes the OpenAPI document the running server would serve, without starting one: the web
 * client's types are generated from it (`npm run api:types`).
 */
export async function writeOpenApi(file: string): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-openapi-'));
  const db = openSqlite(path.join(dir, 'openapi.db'));
  try {
    await migrateToLatest(db);
    const config = loadConfig({ DATA_DIR: dir, WEB_DIST_DIR: path.join(dir, 'no-web') });
    const app = await buildApp({ config, db, logger: false });
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(app.fastify.swagger(), null, 2)}\n`);
    await app.fastify.close();
  } finally {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
