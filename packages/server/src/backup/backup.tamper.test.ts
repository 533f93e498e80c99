import { createHash, generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { DomainError } from '@releasegate/domain';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliContext } from '../cli/cli-context';
import { publicKeyInfo } from '../modules/audit/audit.signing';
import { DIALECTS, tempDir } from '../test/databases';
import { HttpClient, startTestApp, type TestApp } from '../test/test-app';
import { readArchive, writeArchive, type ArchiveEntry } from '../test/backup-archive';
import { createBackup } from './backup.service';
import { restoreBackup } from './restore.service';

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** Every file below a directory with its SHA-256: what "nothing changed" means on disk. */
function tree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (entry.isFile()) {
      const full = path.join(entry.parentPath, entry.name);
      files[path.relative(dir, full)] = sha256(fs.readFileSync(full));
    }
  return files;
}

describe.each(DIALECTS)('restoring a backup archive on %s', (dialect) => {
  let t: TestApp;
  let archive: string;
  let work: string;
  let engineer: HttpClient;

  const upload = async (name: string, bytes: Buffer) => {
    const v = (await engineer.post('/api/dsl/versions', { name, version: '1.0.0' })).body;
    expect((await engineer.upload('PUT', `/api/dsl/versions/${v.id}/content`, bytes)).status).toBe(200);
    return v.id as string;
  };

  /** The live system as the restore must leave it: the data directory, the records, the schemas. */
  const state = async () => {
    const q = t.database.db.kysely;
    const events = await q.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq').execute();
    const versions = await q.selectFrom('dsl_versions').select(['id', 'digest']).orderBy('id').execute();
    const schemas =
      dialect === 'postgres'
        ? (
            await sql<{
              nspname: string;
            }>`select nspname from pg_namespace where nspname like 'rg_%' order by 1`.execute(q)
          ).rows.map((r) => r.nspname)
        : [];
    // Names only for the data directory (SQLite's own files change as it checkpoints; the records
    // above say what it holds): no staging area, no file set aside, nothing new.
    const files = Object.keys(tree(t.config.dataDir)).sort();
    return { events, versions, blobs: tree(t.config.dsl.blobDir), files, schemas };
  };

  const backupTo = (file: string) =>
    createBackup(
      {
        config: t.config,
        db: t.database.db,
        audit: t.app.audit,
        clock: t.clock,
        signer: t.app.signer,
        blobs: t.app.dsl.blobs,
      },
      cliContext(),
      file,
    );
  const restore = (file: string, keys = [t.app.signer.publicKey]) =>
    restoreBackup({ config: t.config, clock: t.clock, trustedPublicKeys: keys }, cliContext(), file);

  /**
   * Writes a variant of the good archive and expects its restore refused for exactly the
   * `problem`s given — nothing else is wrong with it — and everything as it was.
   */
  const refused = async (edit: (entries: ArchiveEntry[]) => ArchiveEntry[], ...expected: RegExp[]) => {
    const before = await state();
    const file = path.join(work, `tampered-${Math.random().toString(16).slice(2)}.tar`);
    await writeArchive(file, edit(await readArchive(archive)));
    const error = await restore(file).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('invalid_input');
    const { problems } = (error as DomainError).details as { problems: string[] };
    expect(problems).toEqual(expected.map((p) => expect.stringMatching(p)));
    expect(await state()).toEqual(before);
    return problems;
  };

  beforeEach(async () => {
    t = await startTestApp(dialect);
    await t.seedUser('eng', ['operations_engineer']);
    engineer = new HttpClient(t.url);
    await engineer.login('eng');
    await upload('billing', Buffer.from('billing 1.0.0 发布包'));
    await upload('ledger', Buffer.from('ledger 1.0.0'));
    work = tempDir('rg-backup-');
    archive = path.join(work, 'good.tar');
    await backupTo(archive);
    // The live system moves on after the backup: a restore that went through would undo this.
    await upload('crm', Buffer.from('crm 3.0.0'));
  });
  afterEach(async () => {
    await t.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const blobOf = (entries: ArchiveEntry[]) => entries.find((e) => e.name.startsWith('blobs/'))!;

  it('PR-3 DS-3 a blob with one byte flipped is refused by name, and nothing changes', async () => {
    let name = '';
    await refused((entries) => {
      const blob = blobOf(entries);
      name = blob.name;
      blob.data = Buffer.from(blob.data);
      blob.data[0] ^= 0x01;
      return entries;
    }, /blobs\/[0-9a-f]{64}: SHA-256 [0-9a-f]{64} does not match the manifest's/);
    expect(name).toMatch(/^blobs\//);
  });

  it('PR-3 DS-3 an archive missing an entry (a blob, or the database) is refused by name, and nothing changes', async () => {
    let removed = '';
    await refused((entries) => {
      removed = blobOf(entries).name;
      return entries.filter((e) => e.name !== removed);
    }, /missing from the archive/);
    await refused(
      (entries) => entries.filter((e) => !e.name.startsWith('database/')),
      /database\/releasegate\.(sqlite|pgdump): missing from the archive/,
    );
    await refused((entries) => entries.filter((e) => e.name !== 'manifest.json'), /manifest\.json: missing/);
  });

  it('PR-3 an edited manifest is refused: its signature no longer matches, even when the entry agrees with it', async () => {
    await refused((entries) => {
      const manifest = entries.find((e) => e.name === 'manifest.json')!;
      const m = JSON.parse(manifest.data.toString('utf8'));
      // The attacker replaces a blob and writes its new digest into the manifest.
      const blob = blobOf(entries);
      blob.data = Buffer.from('a different program');
      const line = m.entries.find((e: { name: string }) => e.name === blob.name);
      line.sha256 = sha256(blob.data);
      line.size = blob.data.length;
      manifest.data = Buffer.from(JSON.stringify(m, null, 2));
      return entries;
    }, /manifest\.json: the signature does not match: the manifest was altered/);
  });

  it('PR-3 an extra entry, an unsafe name, a truncated archive and a foreign key are each refused, and nothing changes', async () => {
    await refused(
      (entries) => [
        { name: '../../outside.txt', data: Buffer.from('x') },
        { name: `blobs/${sha256('smuggled')}`, data: Buffer.from('smuggled') },
        ...entries,
      ],
      /^\.\.\/\.\.\/outside\.txt: not an entry a backup holds$/,
      /^blobs\/[0-9a-f]{64}: not in the manifest$/,
    );
    expect(fs.existsSync(path.join(t.config.dataDir, '..', '..', 'outside.txt'))).toBe(false);

    const truncated = path.join(work, 'truncated.tar');
    const bytes = fs.readFileSync(archive);
    fs.writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const before = await state();
    await expect(restore(truncated)).rejects.toThrow(/not a complete backup archive|missing/);
    expect(await state()).toEqual(before);

    // Signed, but not by a key this restore trusts: a forger's archive with its own key.
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await expect(restore(archive, [publicKeyInfo(other)])).rejects.toThrow(
      /manifest\.json: signed by key [0-9a-f]{16}, which is not trusted/,
    );
    expect(await state()).toEqual(before);
  });

  it('DS-3 a stored file already corrupt when backed up is archived as found and named; the restore leaves it out and says so', async () => {
    const [digest] = (await t.database.db.kysely.selectFrom('dsl_versions').select('digest').execute()).map(
      (v) => v.digest!,
    );
    const file = path.join(t.config.dsl.blobDir, 'sha256', digest.slice(0, 2), digest);
    fs.writeFileSync(file, 'bit rot');
    const archived = path.join(work, 'with-rot.tar');
    const backup = await backupTo(archived);
    expect(backup.corrupted).toEqual([`blobs/${digest}`]);
    const restored = await restore(archived);
    expect(restored.leftOut).toEqual([`blobs/${digest}`]);
    // On PostgreSQL the schema it replaced is kept beside it; this test drops it.
    for (const kept of restored.kept.filter((k) => k.startsWith('schema ')))
      await sql`drop schema ${sql.id(kept.slice('schema '.length))} cascade`.execute(t.database.db.kysely);
    const store = tree(t.config.dsl.blobDir);
    expect(Object.keys(store).some((f) => f.endsWith(digest))).toBe(false);
    expect(Object.values(store)).not.toContain(sha256('bit rot'));
  });
});
