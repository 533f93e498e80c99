import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { GENESIS_HASH } from '../modules/audit/audit.chain';
import { pgConnection, runPg } from './pg-tools';
import type { AuditHead } from './sqlite-snapshot';

const ident = (name: string) => {
  // Schema names are checked where they are configured; checked again where they become SQL.
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a schema name: ${name}`);
  return `"${name}"`;
};

/**
 * `pg_dump --format=custom` of one schema, consistent while servers write, and the head of the
 * audit chain *in that dump*: a repeatable-read transaction exports its snapshot, reads the head,
 * and pg_dump dumps from the same snapshot (`--snapshot`), so the head recorded in the manifest is
 * exactly the dump's last event — not one read a moment before or after.
 */
export async function dumpPostgres(url: string, schema: string, destination: string): Promise<AuditHead> {
  const holder = new pg.Client({ connectionString: url, application_name: 'releasegate-backup' });
  await holder.connect();
  try {
    await holder.query('begin transaction isolation level repeatable read, read only');
    const { rows } = await holder.query<{ id: string }>('select pg_export_snapshot() as id');
    // Read as text (int8), under another name: ORDER BY would otherwise sort the text alias.
    const last = await holder.query<{ head_seq: string; hash: string }>(
      `select seq::text as head_seq, hash from ${ident(schema)}.audit_events order by seq desc limit 1`,
    );
    const head = last.rows[0]
      ? { seq: Number(last.rows[0].head_seq), hash: last.rows[0].hash }
      : { seq: 0, hash: GENESIS_HASH };
    const connection = pgConnection(url);
    await runPg(
      'pg_dump',
      [
        '--format=custom',
        `--schema=${schema}`,
        `--snapshot=${rows[0].id}`,
        `--file=${destination}`,
        `--dbname=${connection.dbname}`,
      ],
      connection,
    ).done;
    await holder.query('commit');
    return head;
  } finally {
    await holder.end();
  }
}

/**
 * Puts a dump in place of the `target` schema in one transaction. The schema it replaces is
 * renamed to `keep` (or dropped when it holds no table: a fresh schema), so whatever a newer
 * version added is out of the way and the old data can still be looked at; the dump's script
 * runs; the restored audit chain must end at the manifest's head. Any failure rolls the whole
 * transaction back and the schema is as it was. pg_restore writes the script and psql runs it
 * with ON_ERROR_STOP in one transaction (pg_restore's --single-transaction could not move the
 * old schema aside). Returns whether a schema was kept.
 *
 * A dump names its schema in every statement. Into a schema of another name it is restored under
 * its own name and renamed; if a schema of that name exists (the original, in the same database)
 * it is renamed out of the way for the length of the transaction and back — nobody else sees it.
 */
export async function loadPostgres(
  url: string,
  dump: { file: string; schema: string },
  target: { schema: string; keep: string },
  head: AuditHead,
): Promise<{ kept: boolean }> {
  // The values below become SQL text: a validated integer and 64 hex digits, nothing else.
  if (!Number.isSafeInteger(head.seq) || !/^[0-9a-f]{64}$/.test(head.hash)) throw new Error('bad audit head');
  const from = ident(dump.schema);
  const to = ident(target.schema);
  const holdName = `rg_restore_hold_${randomBytes(6).toString('hex')}`;
  const renameIfExists = (name: string, newName: string) =>
    `do $$ begin if exists (select 1 from pg_namespace where nspname = '${name}') then alter schema ${ident(name)} rename to ${ident(newName)}; end if; end $$`;
  const before = [
    `do $$ begin if exists (select 1 from pg_tables where schemaname = '${target.schema}') ` +
      `then alter schema ${to} rename to ${ident(target.keep)}; else drop schema if exists ${to} cascade; end if; end $$`,
  ];
  const after: string[] = [];
  if (from !== to) {
    before.push(renameIfExists(dump.schema, holdName));
    after.push(`alter schema ${from} rename to ${to}`, renameIfExists(holdName, dump.schema));
  }
  after.push(
    `do $$ begin if (select coalesce(max(seq), 0) from ${to}.audit_events) <> ${head.seq} or ` +
      `(${head.seq} > 0 and not exists (select 1 from ${to}.audit_events where seq = ${head.seq} and hash = '${head.hash}')) ` +
      `then raise exception 'the restored audit chain does not end at event #${head.seq} of the manifest'; end if; end $$`,
  );
  const connection = pgConnection(url);
  const script = runPg('pg_restore', ['--no-owner', '--no-privileges', '--file=-', dump.file], connection);
  const psql = runPg(
    'psql',
    [
      '--quiet',
      '--no-psqlrc',
      '--single-transaction',
      '--set=ON_ERROR_STOP=1',
      ...before.map((c) => `--command=${c}`),
      '--file=-',
      ...after.map((c) => `--command=${c}`),
      `--dbname=${connection.dbname}`,
    ],
    connection,
  );
  // psql sees the end of its input — and so commits — only once pg_restore has exited 0: a dump
  // that fails half-way must never leave half a schema behind. On failure psql is killed while
  // still inside the transaction, and PostgreSQL rolls it back.
  script.stdout.pipe(psql.stdin, { end: false });
  // If psql stops early, pg_restore's writes fail with EPIPE; psql's own error says why.
  psql.stdin.on('error', () => undefined);
  const failure = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));
  const made = await script.done.then(() => null, failure);
  if (made) {
    const psqlFailedFirst = psql.child.exitCode !== null;
    psql.child.kill('SIGKILL');
    const ran = await psql.done.then(() => null, failure);
    throw psqlFailedFirst && ran ? ran : made;
  }
  psql.stdin.end();
  await psql.done;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query('select 1 from pg_namespace where nspname = $1', [target.keep]);
    return { kept: rows.length > 0 };
  } finally {
    await client.end();
  }
}
