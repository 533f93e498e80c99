import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../test/databases';
import { isUniqueViolation } from './errors';

describe.each(DIALECTS)('database errors on %s', (dialect) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase(dialect);
  });
  afterEach(async () => {
    await t.destroy();
  });

  const failure = (run: () => Promise<unknown>) =>
    run().then(
      () => undefined,
      (error: unknown) => error,
    );

  it('a key taken first is told apart from other failures, on the primary key and on a unique column', async () => {
    const counter = () =>
      t.db.kysely.insertInto('number_sequences').values({ name: 'release', year: 2026, last: 1 }).execute();
    await counter();
    expect(isUniqueViolation(await failure(counter))).toBe(true);
    const user = (id: string) =>
      t.db.kysely
        .insertInto('users')
        .values({
          id,
          username: 'same',
          display_name: 'same',
          email: null,
          password_hash: 'x',
          disabled: 0,
          failed_attempts: 0,
          locked_until: null,
          password_changed_at: '2026-01-01T00:00:00.000Z',
          created_at: '2026-01-01T00:00:00.000Z',
          updated_at: '2026-01-01T00:00:00.000Z',
        })
        .execute();
    await user('a');
    expect(isUniqueViolation(await failure(() => user('b')))).toBe(true);
    const notNull = await failure(() =>
      t.db.kysely
        .insertInto('number_sequences')
        .values({ name: 'release', year: 2027, last: null as unknown as number })
        .execute(),
    );
    expect(notNull).toBeInstanceOf(Error);
    expect(isUniqueViolation(notNull)).toBe(false);
    expect(isUniqueViolation(new Error('anything else'))).toBe(false);
  });
});
