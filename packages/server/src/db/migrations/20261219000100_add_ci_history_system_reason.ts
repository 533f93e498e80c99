import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>.
//
// X-3, CM-4: the reason the system gives for a change of a CI (an import, a release's CMDB
// update), as a reason of the message catalog (code and parameters, JSON) beside its English
// text, so readers see it in their language. A person's own reason stays their words only.
//
// Entries from before are backfilled where the English is one the system wrote: "import",
// "import of <file>" (imports) and "<release> CMDB update (PO-2)[: <note>]" (releases). Anything
// else is left without a code and is shown as stored. One UPDATE per distinct text: an import
// writes the same reason on every CI it touches.
const IMPORT_OF = /^import of (.+)$/s;
const CMDB_UPDATE = /^(\S+) CMDB update \(PO-2\)(?:: (.*))?$/s;

function reasonOf(kind: string, text: string): { code: string; params: Record<string, string> } | null {
  if (kind === 'import') {
    if (text === 'import') return { code: 'history_import', params: {} };
    const m = IMPORT_OF.exec(text);
    return m ? { code: 'history_import_file', params: { file: m[1] } } : null;
  }
  if (kind === 'release') {
    const m = CMDB_UPDATE.exec(text);
    if (!m) return null;
    return m[2] === undefined
      ? { code: 'history_cmdb_update', params: { release: m[1] } }
      : { code: 'history_cmdb_update_note', params: { release: m[1], note: m[2] } };
  }
  return null;
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('ci_history').addColumn('system_reason', 'text').execute();
  const texts = await db
    .selectFrom('ci_history')
    .select(['reason_kind', 'reason'])
    .distinct()
    .where('reason_kind', 'in', ['import', 'release'])
    .where('reason', 'is not', null)
    .execute();
  for (const { reason_kind: kind, reason: text } of texts as { reason_kind: string; reason: string }[]) {
    const reason = reasonOf(kind, text);
    if (!reason) continue;
    await db
      .updateTable('ci_history')
      .set({ system_reason: JSON.stringify(reason) })
      .where('reason_kind', '=', kind)
      .where('reason', '=', text)
      .execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('ci_history').dropColumn('system_reason').execute();
}
