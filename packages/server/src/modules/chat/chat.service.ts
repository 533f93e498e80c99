import { refused, type Clock, type DomainError } from '@releasegate/domain';
import { renderReason, type Reason } from '@releasegate/messages';
import type { Db } from '../../db/database';
import type { RequestContext } from '../../context';
import type { SecretBox } from '../../storage/secret-box';
import { recordStandalone, type AuditWriter } from '../audit';
import { ACTION_LIFETIME_MS, CHOICE_LABELS, openAction, requestFor, type CardTarget } from './chat.actions';
import type { ChatGrants, ChatVendor } from './chat.grants';
import * as repo from './chat.repository';

export interface ChatDeps {
  db: Db;
  clock: Clock;
  audit: AuditWriter;
  secrets: SecretBox;
  grants: ChatGrants;
  /** Carries out a decision through the API's own route, in this process (Fastify's inject). */
  act: (request: { url: string; body: unknown; grant: string }) => Promise<{ status: number; body: unknown }>;
}

/** How far a callback's signed time may be from the server's clock, either way. */
export const CALLBACK_TOLERANCE_SECONDS = 300;

/** A button pressed on a card, as the vendor's verified callback tells it. */
export interface CardPress {
  vendor: ChatVendor;
  /** The vendor's id of this callback (its event id or signature): seen twice, it is a replay. */
  callbackId: string;
  /** The time the vendor signed with the callback. */
  signedAt: Date;
  /** Who pressed it, as the vendor names them (Feishu gives open_id and user_id). */
  vendorUserIds: string[];
  /** The button's value, as ReleaseGate put it on the card. */
  value: unknown;
  /** What the person typed on the card, where the card has a field for it. */
  reason: string | null;
}

/** What the person who pressed is told: the vendor shows it on the card or as a reply. */
export interface CardAnswer {
  ok: boolean;
  text: string;
}

const refusalRecord = (
  deps: ChatDeps,
  ctx: RequestContext,
  vendor: ChatVendor,
  details: Record<string, unknown>,
  entity?: { entityType: string; entityId: string },
) =>
  recordStandalone(deps.db, deps.audit, ctx, {
    action: 'chat.card_action',
    outcome: 'denied',
    actorName: `${vendor}:${typeof details.vendorUserId === 'string' && details.vendorUserId ? details.vendorUserId : 'unknown'}`,
    ...entity,
    details: { vendor, ...details },
  });

/**
 * A callback refused before anything in it is believed (unsigned, badly signed, stale): recorded,
 * and the refusal the route answers with.
 */
export async function refuseCallback(
  deps: ChatDeps,
  ctx: RequestContext,
  vendor: ChatVendor,
  problem: 'bad_signature' | 'stale',
): Promise<DomainError> {
  await refusalRecord(deps, ctx, vendor, { reason: problem });
  return problem === 'stale'
    ? refused(
        'unauthenticated',
        { code: 'chat_callback_stale', params: { vendor, seconds: CALLBACK_TOLERANCE_SECONDS } },
        { reason: 'stale_signature' },
      )
    : refused(
        'unauthenticated',
        { code: 'chat_signature_wrong', params: { vendor } },
        { reason: 'bad_signature' },
      );
}

/** Whether a callback's signed time is within the tolerance of the server's clock. */
export const isFresh = (deps: Pick<ChatDeps, 'clock'>, signedAt: Date) =>
  Number.isFinite(signedAt.getTime()) &&
  Math.abs(deps.clock.now().getTime() - signedAt.getTime()) <= CALLBACK_TOLERANCE_SECONDS * 1000;

const entityOf = (t: CardTarget) =>
  t.op === 'vote'
    ? { entityType: 'change', entityId: t.changeId }
    : t.op === 'dsl'
      ? { entityType: 'dsl_version', entityId: t.versionId }
      : { entityType: 'release', entityId: t.releaseId };

const MAX_REASON = 2000;

/**
 * a verified card press carries out its decision as the account bound to whoever pressed,
 * through the web's own route — so the permission table, separation of duties, four-eyes, the
 * one-decision rules and the refusal's audit event are the web's. Before that it is refused, and
 * recorded as `chat.card_action` denied, when: it was received before (a replay), its button was
 * not made by this server or is more than a week old, or no account — or more than one — is
 * bound to the sender, or the binding was not confirmed by the security administrator. Every event of a decision taken this way names the channel.
 */
export async function pressCard(deps: ChatDeps, ctx: RequestContext, press: CardPress): Promise<CardAnswer> {
  const vendorUserId = press.vendorUserIds.find((id) => id !== '') ?? '';
  const base = { vendorUserId, callbackId: press.callbackId };
  const deny = async (
    reason: Reason,
    details: Record<string, unknown>,
    target?: CardTarget,
  ): Promise<CardAnswer> => {
    await refusalRecord(deps, ctx, press.vendor, { ...base, ...details }, target && entityOf(target));
    return { ok: false, text: renderReason('zh', reason) };
  };
  const now = deps.clock.now();
  const fresh = await deps.db.kysely.transaction().execute((trx) =>
    repo.recordCallback(
      trx,
      press.vendor,
      press.callbackId,
      now.toISOString(),
      // Kept as long as the button it pressed can act: a vendor's retry, or the same event signed
      // again later, finds its row; past that, the button itself has expired.
      new Date(now.getTime() - ACTION_LIFETIME_MS - 2 * CALLBACK_TOLERANCE_SECONDS * 1000).toISOString(),
    ),
  );
  if (!fresh)
    return deny({ code: 'chat_callback_replayed', params: { vendor: press.vendor } }, { reason: 'replayed' });
  const opened = openAction(deps.secrets, press.value, now);
  if ('problem' in opened)
    return deny(
      opened.problem === 'expired'
        ? { code: 'chat_action_expired', params: {} }
        : { code: 'chat_action_forged', params: {} },
      { reason: opened.problem },
    );
  const { target, choice } = opened;
  const accounts = await repo.accountsBoundTo(deps.db.kysely, press.vendor, press.vendorUserIds);
  if (accounts.length !== 1)
    return deny(
      accounts.length === 0
        ? { code: 'chat_sender_unbound', params: { vendor: press.vendor } }
        : {
            code: 'chat_sender_ambiguous',
            params: { vendor: press.vendor, users: accounts.map((a) => a.username) },
          },
      { reason: accounts.length === 0 ? 'unbound' : 'ambiguous', choice, target },
      target,
    );
  // A user states their own chat ids; only the security administrator's binding says the sender is
  // that user (else whoever bound someone else's id first would have their presses).
  if (accounts[0].chat_ids_confirmed_at === null)
    return deny(
      { code: 'chat_binding_unconfirmed', params: { vendor: press.vendor } },
      { reason: 'unconfirmed', choice, target, username: accounts[0].username },
      target,
    );
  const reason = press.reason?.trim().slice(0, MAX_REASON) || null;
  const grant = deps.grants.issue({
    userId: accounts[0].id,
    channel: { vendor: press.vendor, vendorUserId, callbackId: press.callbackId },
    sourceIp: ctx.sourceIp,
    requestId: ctx.requestId ?? press.callbackId,
  });
  const { url, body } = requestFor(target, choice, reason);
  const answer = await deps.act({ url, body, grant });
  if (answer.status >= 200 && answer.status < 300)
    return { ok: true, text: `已提交：${CHOICE_LABELS[choice].zh}` };
  // The route refused it and recorded why; the person is told in the route's own words.
  const message = (answer.body as { message?: unknown } | null)?.message;
  return { ok: false, text: typeof message === 'string' ? message : `未能提交：${CHOICE_LABELS[choice].zh}` };
}
