import type { Readable } from 'node:stream';
import { notFound } from '@releasegate/domain';
import { fieldProblem, renderField, type FieldProblem } from '@releasegate/messages';
import type { RequestContext } from '../../context';
import { authorize, requirePrincipal } from '../../authorize';
import { problemOfIssue } from '../../http/field-problems';
import { TEXT_PROBLEMS, textProblem } from '../../http/text-input';
import {
  checkedWorkbook,
  csvTables,
  meteredUpload,
  tooManyRows,
  utf8Checked,
  xlsxTables,
  type ImportLimits,
} from '../cmdb';
import type { IdentityDeps } from './identity.deps';
import * as repo from './identity.repository';
import { chatContactInput, type ChatContactInput, type ContactImportReport } from './contact.schemas';

const iso = (d: Date) => d.toISOString();

type StoredContact = repo.ChatContact & repo.ChatConfirmation;
const CHAT_IDS = ['dingtalkUserId', 'wecomUserId', 'feishuUserId'] as const;

/**
 * The binding after an input. Set or imported by the security administrator (`confirmer`), its
 * chat identities are confirmed by them now; changed by the user, a confirmation stays only while
 * no chat identity changes (a card acts as an account only when its binding is confirmed).
 */
function contactAfter(
  input: ChatContactInput,
  before: StoredContact,
  confirmer: { by: string; at: string } | null,
): StoredContact {
  const pick = <K extends keyof repo.ChatContact>(k: K) => (input[k] === undefined ? before[k] : input[k]);
  const next = {
    mobilePhone: pick('mobilePhone'),
    dingtalkUserId: pick('dingtalkUserId'),
    wecomUserId: pick('wecomUserId'),
    feishuUserId: pick('feishuUserId'),
  };
  const kept = CHAT_IDS.every((k) => next[k] === before[k]);
  return {
    ...next,
    confirmedBy: confirmer ? confirmer.by : kept ? before.confirmedBy : null,
    confirmedAt: confirmer ? confirmer.at : kept ? before.confirmedAt : null,
  };
}

/** the signed-in user's phone number and chat identities. */
export async function getOwnContact(deps: IdentityDeps, ctx: RequestContext): Promise<StoredContact> {
  const principal = requirePrincipal(ctx);
  const contact = await repo.findContact(deps.db.kysely, principal.userId);
  if (!contact) throw notFound('user', principal.userId);
  return contact;
}

/** a user's phone number and chat identities (security administrator). */
export async function getContact(
  deps: IdentityDeps,
  ctx: RequestContext,
  userId: string,
): Promise<StoredContact> {
  authorize(ctx, 'user.manage');
  const contact = await repo.findContact(deps.db.kysely, userId);
  if (!contact) throw notFound('user', userId);
  return contact;
}

/**
 * sets the phone number and chat identities robot messages @-mention a user by: their own
 * (any signed-in user, `userId` omitted) or anyone's (user.manage), which confirms the binding for
 * decisions from chat cards. Fields left out stay; null or an empty string clears one. Audited as
 * user.contact_update.
 */
export async function setContact(
  deps: IdentityDeps,
  ctx: RequestContext,
  input: ChatContactInput,
  userId?: string,
): Promise<StoredContact> {
  const principal = requirePrincipal(ctx);
  const id = userId ?? principal.userId;
  if (userId !== undefined) authorize(ctx, 'user.manage');
  return deps.db.kysely.transaction().execute(async (trx) => {
    const before = await repo.findContact(trx, id);
    if (!before) throw notFound('user', id);
    const at = iso(deps.clock.now());
    const after = contactAfter(input, before, userId === undefined ? null : { by: principal.username, at });
    await repo.setContact(trx, id, after, at);
    await deps.audit.record(trx, ctx, {
      action: 'user.contact_update',
      entityType: 'user',
      entityId: id,
      before,
      after,
    });
    return after;
  });
}

/** The mapping file's columns: the user name, then what robot messages reach the user by. */
export const CONTACT_COLUMNS = {
  username: null,
  phone: 'mobilePhone',
  dingtalk: 'dingtalkUserId',
  wecom: 'wecomUserId',
  feishu: 'feishuUserId',
} as const;
type Column = keyof typeof CONTACT_COLUMNS;
const isColumn = (name: string): name is Column => Object.hasOwn(CONTACT_COLUMNS, name);

const MAX_LISTED = 500;

/**
 * the security administrator imports the phone numbers and chat identities of many users
 * from CSV or XLSX (columns username, phone, dingtalk, wecom, feishu; the first sheet of a
 * workbook). Every row is checked first, each problem reported with its row and column; a file
 * with any bad row changes nothing. Columns the file has are set (an empty cell clears), those it
 * lacks stay. A dry run only reports. Audited: one user.contact_import event for the file.
 */
export async function importContacts(
  deps: IdentityDeps,
  ctx: RequestContext,
  source: Readable,
  options: { format: 'csv' | 'xlsx'; dryRun: boolean; fileName?: string | null; limits: ImportLimits },
): Promise<ContactImportReport> {
  authorize(ctx, 'user.manage');
  const { limits } = options;
  const errors: ContactImportReport['errors'] = [];
  let errorCount = 0;
  const problem = (row: number, column: string, p: FieldProblem) => {
    errorCount++;
    if (errors.length < MAX_LISTED) errors.push({ row, column, reason: renderField('en', p), problem: p });
  };
  const tables =
    options.format === 'csv'
      ? csvTables(utf8Checked(meteredUpload(source, limits)))
      : xlsxTables(await checkedWorkbook(source, limits));
  const rows: { row: number; username: string; input: ChatContactInput }[] = [];
  const columnList = Object.keys(CONTACT_COLUMNS);
  for await (const table of tables) {
    const header = table.header.map((h) => h.trim().toLowerCase());
    const headerOk =
      header.includes('username') &&
      header.every((h) => isColumn(h)) &&
      new Set(header).size === header.length;
    if (!headerOk) {
      problem(
        1,
        header.find((h) => !isColumn(h)) ?? 'username',
        fieldProblem('contact_columns', { columns: columnList }),
      );
      for await (const _ of table.rows) void _;
      break;
    }
    let count = 0;
    for await (const { number, cells } of table.rows) {
      if (++count > limits.maxRows) throw tooManyRows(limits);
      const record: Record<string, unknown> = {};
      let username = '';
      for (const [i, name] of header.entries()) {
        const cell = (cells[i] ?? '').trim();
        const bad = textProblem(cell);
        if (bad) {
          problem(number, name, fieldProblem(TEXT_PROBLEMS[bad]));
          continue;
        }
        const field = CONTACT_COLUMNS[name];
        if (field === null) username = cell;
        else record[field] = cell;
      }
      const parsed = chatContactInput.safeParse(record);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          const field = String(issue.path[0]);
          const column = Object.entries(CONTACT_COLUMNS).find(([, f]) => f === field)?.[0] ?? field;
          // The zod issue carries its bounds (`maximum`) beside its code, as the edge's do in params.
          problem(
            number,
            column,
            problemOfIssue({ keyword: issue.code, message: issue.message, params: { ...issue } }),
          );
        }
      }
      if (username === '') problem(number, 'username', fieldProblem('required'));
      rows.push({ row: number, username, input: parsed.success ? parsed.data : {} });
    }
    // The first sheet only.
    break;
  }
  const ids = await repo.userIdsByUsername(
    deps.db.kysely,
    rows.map((r) => r.username).filter((u) => u !== ''),
  );
  const seen = new Map<string, number>();
  for (const r of rows) {
    if (r.username === '') continue;
    if (!ids.has(r.username)) problem(r.row, 'username', fieldProblem('unknown_username'));
    const first = seen.get(r.username);
    if (first !== undefined) problem(r.row, 'username', fieldProblem('username_repeated', { row: first }));
    else seen.set(r.username, r.row);
  }
  errors.sort((a, b) => a.row - b.row);
  const report = { dryRun: options.dryRun, rows: rows.length, errors };
  if (errorCount > 0 || options.dryRun) return { ...report, applied: false, updated: 0 };
  let updated = 0;
  await deps.db.kysely.transaction().execute(async (trx) => {
    const at = iso(deps.clock.now());
    const by = requirePrincipal(ctx).username;
    const changes: { username: string; before: StoredContact; after: StoredContact }[] = [];
    for (const r of rows) {
      const id = ids.get(r.username)!;
      const before = (await repo.findContact(trx, id))!;
      const after = contactAfter(r.input, before, { by, at });
      // A row that changes nothing of a binding already confirmed is left as it is.
      const same = (['mobilePhone', ...CHAT_IDS] as const).every((k) => after[k] === before[k]);
      if (same && before.confirmedBy !== null) continue;
      await repo.setContact(trx, id, after, at);
      changes.push({ username: r.username, before, after });
      updated++;
    }
    await deps.audit.record(trx, ctx, {
      action: 'user.contact_import',
      entityType: 'user',
      details: {
        fileName: options.fileName ?? null,
        format: options.format,
        rows: rows.length,
        updated,
        changes,
      },
    });
  });
  return { ...report, applied: true, updated };
}
