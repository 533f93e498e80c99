import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { permissionTableIn, renderPermissionTable } from './permission-table';

describe('the permission table in docs/security.md', () => {
  it('X-4 RO-3 is the table the server enforces; run `npm run docs:security` after changing one', () => {
    const file = path.resolve(import.meta.dirname, '../../../../docs/security.md');
    expect(permissionTableIn(file), 'docs/security.md is stale: run `npm run docs:security`').toBe(
      renderPermissionTable(),
    );
  });
});
