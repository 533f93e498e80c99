import { FIELDS, RULES, renderReason } from '@releasegate/messages';
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { DomainError, invalidFields, refusal, refused } from '@releasegate/domain';
import type { RequestContext } from '../../context';
import { authorize } from '../../authorize';
import { recordStandalone } from '../audit';
import { badTextFields, invalidTextError } from '../../http/text-input';
import { issueDetails } from '../../http/field-problems';
import type { ChangeDeps } from './change.deps';
import { EXTERNAL_STATE, type ChangeState } from '@releasegate/domain';
import * as repo from './change.repository';
import { webhookChangeInput, type ExternalChangeInput } from './change.schemas';
import {
  assertCisExist,
  changeLabel,
  detailOf,
  newChangeNumber,
  normaliseCiIds,
  type ChangeDetail,
} from './change.service';

export interface UpsertResult {
  change: ChangeDetail;
  created: boolean;
  /** False when the body said nothing new (idempotent redelivery): nothing written, nothing audited. */
  changed: boolean;
}

/** Who writes an external change: an API token's user, or a signed webhook of the system. */
interface Writer {
  name: string;
  id: string | null;
  /**
   * IN-1: only change management's own signed feed may say a change is approved. A person or a
   * token with change.integrate may record everything else (and a withdrawal), never an approval.
   */
  mayApprove: boolean;
  /**
   * IN-2: the external system's time of this state — its own update time, or the signed send
   * time of a feed delivery. A state older than the one held is refused.
   */
  orderedAt: string | null;
}

/** An older state of the change than the one held arrived: refused, never applied. */
export class StaleChangeState extends DomainError {
  constructor(
    readonly source: { system: string; key: string },
    readonly heldAt: string,
    readonly sentAt: string,
  ) {
    const why = { code: 'change_state_older', params: { ...source, sentAt, heldAt } } as const;
    super('conflict', renderReason('en', why), { rule: RULES.newest_state_wins, heldAt, sentAt }, [
      { code: 'newest_state_wins', reasonCode: why.code, params: why.params },
    ]);
  }
}

/** The states in which a change lets a release go ahead (IN-1, IN-2). */
const CLEARED: readonly ChangeState[] = ['approved', 'implemented'];

/** The fields an external system owns; the same values twice change nothing. */
const content = (c: repo.Change) =>
  JSON.stringify([
    c.title,
    c.description,
    c.external?.status,
    c.external?.url,
    c.approvedBy,
    c.approvedAt,
    c.ciIds,
  ]);

/** The change as the external system now reports it, on top of what was known before. */
function merge(
  before: repo.Change | undefined,
  base: Pick<repo.Change, 'id' | 'number' | 'requester' | 'requesterId' | 'createdAt'>,
  source: { system: string; key: string },
  input: ExternalChangeInput,
  ciIds: string[],
  at: string,
  orderedAt: string | null,
): repo.Change {
  const state = EXTERNAL_STATE[input.status];
  const entered = (s: ChangeState) => state === s && before?.state !== s;
  return {
    ...base,
    source: 'external',
    external: {
      system: source.system,
      key: source.key,
      status: input.status,
      url: input.url ?? null,
      updatedAt: orderedAt ?? before?.external?.updatedAt ?? null,
    },
    title: input.title,
    description: input.description ?? null,
    risk: before?.risk ?? null,
    state,
    ciIds,
    // An approval stays on the record once given, also after it is revoked (withdrawn).
    // How the external system approved (an emergency CAB or not) is its own record.
    emergency: false,
    emergencyReason: null,
    approvedVia: null,
    approvedBy: input.approver ? [input.approver] : (before?.approvedBy ?? []),
    approvedAt: input.approvedAt ?? before?.approvedAt ?? (state === 'approved' ? at : null),
    submittedAt: before?.submittedAt ?? at,
    rejectedAt: entered('rejected') ? at : (before?.rejectedAt ?? null),
    withdrawnBy: entered('withdrawn') ? source.system : (before?.withdrawnBy ?? null),
    withdrawnAt: entered('withdrawn') ? at : (before?.withdrawnAt ?? null),
    withdrawReason: before?.withdrawReason ?? null,
    implementedAt: entered('implemented') ? at : (before?.implementedAt ?? null),
    implementedBy: entered('implemented') ? source.system : (before?.implementedBy ?? null),
    updatedAt: at,
  };
}

/**
 * IN-2: creates or updates the change (system, key) inside the caller's transaction. Its number
 * is assigned once, on creation. A body that says nothing new writes and records nothing.
 */
async function upsertIn(
  deps: ChangeDeps,
  trx: repo.Queryable,
  ctx: RequestContext,
  source: { system: string; key: string },
  input: ExternalChangeInput,
  writer: Writer,
): Promise<UpsertResult> {
  const ciIds = normaliseCiIds(input.ciIds);
  await assertCisExist(trx, ciIds);
  const now = deps.clock.now();
  const at = now.toISOString();
  const before = await repo.lockExternal(trx, source.system, source.key);
  const heldAt = before?.external?.updatedAt;
  if (writer.orderedAt && heldAt && writer.orderedAt < heldAt)
    throw new StaleChangeState(source, heldAt, writer.orderedAt);
  const clears = CLEARED.includes(EXTERNAL_STATE[input.status]);
  if (clears && !writer.mayApprove && !(before && CLEARED.includes(before.state)))
    throw refusal(
      'policy_violation',
      'approval_from_change_management',
      { code: 'approval_only_from_feed', params: { system: source.system, key: source.key } },
      { system: source.system, key: source.key },
    );
  const record = (after: repo.Change, created: boolean) =>
    deps.audit.record(trx, ctx, {
      action: 'change.external_upsert',
      entityType: 'change',
      entityId: after.id,
      before: before ?? null,
      after,
      details: { system: source.system, key: source.key, created },
      actorName: writer.name,
    });

  if (!before) {
    const change = merge(
      undefined,
      {
        id: randomUUID(),
        number: await newChangeNumber(trx, now),
        requester: writer.name,
        requesterId: writer.id,
        createdAt: at,
      },
      source,
      input,
      ciIds,
      at,
      writer.orderedAt,
    );
    if (!(await repo.insertExternalChange(trx, change)))
      throw refused('conflict', {
        code: 'change_created_meanwhile',
        params: { system: source.system, key: source.key },
      });
    await record(change, true);
    return { change: await detailOf(trx, change, deps.clock), created: true, changed: true };
  }

  const after = merge(before, before, source, input, ciIds, at, writer.orderedAt);
  if (content(after) === content(before))
    return { change: await detailOf(trx, before, deps.clock), created: false, changed: false };
  await repo.updateChange(trx, after, before.ciIds);
  await record(after, false);
  return { change: await detailOf(trx, after, deps.clock), created: false, changed: true };
}

/** IN-2 through the API: PUT by (system, key), with an API token scoped change.integrate. */
export async function upsertExternalChange(
  deps: ChangeDeps,
  ctx: RequestContext,
  system: string,
  key: string,
  input: ExternalChangeInput,
): Promise<UpsertResult> {
  const principal = authorize(ctx, 'change.integrate');
  return deps.db.kysely.transaction().execute((trx) =>
    upsertIn(deps, trx, ctx, { system, key }, input, {
      name: principal.username,
      id: principal.userId,
      mayApprove: false,
      orderedAt: input.updatedAt ?? null,
    }),
  );
}

export interface WebhookDelivery {
  system: string;
  /** The exact text received: the signature covers it, and it is parsed only once it verifies. */
  rawBody: string;
  signature: string | undefined;
  deliveryId: string | undefined;
}

export interface WebhookResult {
  delivery: 'accepted' | 'duplicate';
  deliveryId: string;
  changed: boolean;
  change: ChangeDetail | null;
}

export const SIGNATURE_HEADER = 'X-ReleaseGate-Signature';
export const DELIVERY_HEADER = 'X-ReleaseGate-Delivery';

/** How far a delivery's signed time may be from the server's clock, either way. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

const mac = (secret: string, timestamp: number, deliveryId: string, body: string) =>
  createHmac('sha256', secret).update(`${timestamp}.${deliveryId}.${body}`, 'utf8').digest('hex');

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<delivery id>.<body>">`: the time and the
 * delivery id are signed with the body (as Stripe and Slack sign theirs), so a captured delivery
 * can be neither replayed later nor resent under a new id.
 */
export function signDelivery(secret: string, timestamp: number, deliveryId: string, body: string): string {
  return `t=${timestamp},v1=${mac(secret, timestamp, deliveryId, body)}`;
}

type SignatureProblem =
  'unknown_system' | 'missing_signature' | 'malformed_signature' | 'bad_signature' | 'outside_tolerance';

/** Why a delivery is refused, or its signed time when it verifies (compared in constant time). */
function verifyDelivery(
  secrets: Readonly<Record<string, string>>,
  d: WebhookDelivery & { deliveryId: string },
  now: Date,
): { problem: SignatureProblem } | { sentAt: Date } {
  if (!Object.hasOwn(secrets, d.system)) return { problem: 'unknown_system' };
  if (!d.signature) return { problem: 'missing_signature' };
  const parts = new Map(
    d.signature.split(',').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1')?.toLowerCase() ?? '';
  if (!Number.isSafeInteger(t) || !/^[0-9a-f]{64}$/.test(v1)) return { problem: 'malformed_signature' };
  const expected = Buffer.from(mac(secrets[d.system], t, d.deliveryId, d.rawBody), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(v1, 'hex'))) return { problem: 'bad_signature' };
  if (Math.abs(now.getTime() / 1000 - t) > WEBHOOK_TOLERANCE_SECONDS) return { problem: 'outside_tolerance' };
  return { sentAt: new Date(t * 1000) };
}

const SIGNATURE_HELP = `${SIGNATURE_HEADER}: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<delivery id>.<raw body>">, sent within ${WEBHOOK_TOLERANCE_SECONDS} s of the server's clock`;

/**
 * IN-2 through the webhook: the delivery id and the signature are checked first — a wrong,
 * missing or stale one is refused and recorded (in a transaction of its own, since the refusal
 * has none) before the body is even read. A delivery id seen before is acknowledged and ignored,
 * so a sender may retry; a new one upserts the change like the API, unless it carries an older
 * state than the one held (refused and recorded), in one transaction with its audit event.
 */
export async function receiveChangeWebhook(
  deps: ChangeDeps,
  ctx: RequestContext,
  d: WebhookDelivery,
): Promise<WebhookResult> {
  const actorName = `webhook:${d.system}`;
  const refuse = (reason: string, details: Record<string, unknown> = {}) =>
    recordStandalone(deps.db, deps.audit, ctx, {
      action: 'change.webhook_receive',
      outcome: 'denied',
      actorName,
      details: { system: d.system, deliveryId: d.deliveryId ?? null, reason, ...details },
    });
  const deliveryId = d.deliveryId?.trim() ?? '';
  if (deliveryId === '' || deliveryId.length > 200) {
    await refuse('missing_delivery_id');
    throw invalidFields({ [DELIVERY_HEADER.toLowerCase()]: [FIELDS.delivery_id] });
  }
  const verified = verifyDelivery(deps.webhookSecrets, { ...d, deliveryId }, deps.clock.now());
  if ('problem' in verified) {
    await refuse(verified.problem);
    throw refused(
      'unauthenticated',
      verified.problem === 'outside_tolerance'
        ? { code: 'webhook_signature_stale', params: { seconds: WEBHOOK_TOLERANCE_SECONDS } }
        : { code: 'webhook_signature_wrong', params: { format: SIGNATURE_HELP } },
      { reason: verified.problem === 'outside_tolerance' ? 'stale_signature' : 'bad_signature' },
    );
  }
  const input = parseBody(d.rawBody);
  const sentAt = verified.sentAt.toISOString();

  try {
    return await deps.db.kysely.transaction().execute(async (trx) => {
      const source = { system: d.system, key: input.key };
      const at = deps.clock.now().toISOString();
      if (!(await repo.recordDelivery(trx, { ...source, deliveryId, receivedAt: at }))) {
        const seen = await repo.findDelivery(trx, d.system, deliveryId);
        const existing = seen && (await repo.findExternal(trx, d.system, seen.key));
        return {
          delivery: 'duplicate',
          deliveryId,
          changed: false,
          change: existing ? await detailOf(trx, existing, deps.clock) : null,
        };
      }
      const result = await upsertIn(deps, trx, ctx, source, input, {
        name: actorName,
        id: null,
        mayApprove: true,
        // The system's own update time when it says; else the signed time it sent this state.
        orderedAt: input.updatedAt ?? sentAt,
      });
      await deps.audit.record(trx, ctx, {
        action: 'change.webhook_receive',
        entityType: 'change',
        entityId: result.change.id,
        actorName,
        details: {
          system: d.system,
          key: input.key,
          deliveryId,
          sentAt,
          change: changeLabel(result.change),
          created: result.created,
          changed: result.changed,
        },
      });
      return { delivery: 'accepted', deliveryId, changed: result.changed, change: result.change };
    });
  } catch (error) {
    if (error instanceof StaleChangeState)
      await refuse('older_state', { key: input.key, heldAt: error.heldAt, sentAt: error.sentAt });
    throw error;
  }
}

/** The signed text as a webhook body; the error names each bad field as the routes do. */
function parseBody(raw: string) {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw invalidFields({ _: [FIELDS.not_json] });
  }
  // The raw text passed the edge unparsed (its signature covers it); its fields meet the same rule.
  const badText = badTextFields(json);
  if (badText.size > 0) throw invalidTextError('body', badText);
  const parsed = webhookChangeInput.safeParse(json);
  if (parsed.success) return parsed.data;
  // The same field problems as a body refused at the edge (http/field-problems.ts).
  throw invalidFields(
    issueDetails(
      parsed.error.issues.map((issue) => ({
        keyword: issue.code,
        instancePath: issue.path.map(String).join('/'),
        message: issue.message,
        params: issue as unknown as Record<string, unknown>,
      })),
    ).fieldProblems,
  );
}
