import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeOpenApi } from './openapi';

describe('the API contract', () => {
  it('docs/openapi.json (from which the web client types are generated) matches the routes; run `npm run api:types` after changing one', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rg-api-')), 'openapi.json');
    await writeOpenApi(file);
    const committed = path.resolve(import.meta.dirname, '../../../../docs/openapi.json');
    expect(
      fs.readFileSync(file, 'utf8') === fs.readFileSync(committed, 'utf8'),
      'docs/openapi.json is stale: run `npm run api:types`',
    ).toBe(true);
  });
});
