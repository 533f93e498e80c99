import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { DomainError, conflict } from '@releasegate/domain';
import type { RequestContext } from '../../context';
import { authorize } from '../identity/authorize';
import { recordStandalone } from '../audit/audit.service';
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
): repo.Change {
  const state = EXTERNAL_STATE[input.status];
  const entered = (s: ChangeState) => state === s && before?.state !== s;
  return {
    ...base,
    source: 'external',
    external: { system: source.system, key: source.key, status: input.status, url: input.url ?? null },
    title: input.title,
    description: input.description ?? null,
    risk: before?.risk ?? null,
    state,
    ciIds,
    // An approval stays on the record once given, also after it is revoked (withdrawn).
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
  const clears = CLEARED.includes(EXTERNAL_STATE[input.status]);
  if (clears && !writer.mayApprove && !(before && CLEARED.includes(before.state)))
    throw new DomainError(
      'policy_violation',
      `${source.system}/${source.key} can be approved only by its change management system's signed feed (POST /api/webhooks/changes/${source.system}), not through this API`,
      { rule: 'IN-1 approval only from change management', system: source.system, key: source.key },
    );
  const record = (after: repo.Change, created: boolean) =>
    deps.audit.record(trx, ctx, {
      action: 'change.external_upserted',
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
    );
    if (!(await repo.insertExternalChange(trx, change)))
      throw conflict(
        `The change ${source.system}/${source.key} was created by another request at the same moment; send it again`,
      );
    await record(change, true);
    return { change: await detailOf(trx, change, deps.clock), created: true, changed: true };
  }

  const after = merge(before, before, source, input, ciIds, at);
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

/** `sha256=<hex HMAC-SHA256 of the body with the system's secret>`. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** Why a delivery's signature is refused, or null when it verifies (compared in constant time). */
function signatureProblem(
  secrets: Readonly<Record<string, string>>,
  d: WebhookDelivery,
): 'unknown_system' | 'missing_signature' | 'bad_signature' | null {
  if (!Object.hasOwn(secrets, d.system)) return 'unknown_system';
  if (!d.signature) return 'missing_signature';
  const expected = Buffer.from(signBody(secrets[d.system], d.rawBody));
  const given = Buffer.from(d.signature.trim().toLowerCase());
  return expected.length === given.length && timingSafeEqual(expected, given) ? null : 'bad_signature';
}

/**
 * IN-2 through the webhook: the signature is checked first — a wrong or missing one is refused
 * and recorded (in a transaction of its own, since the refusal has none) before the body is even
 * read. Then a delivery id seen before is acknowledged and ignored; a new one upserts the change
 * like the API and is recorded with it, in one transaction.
 */
export async function receiveChangeWebhook(
  deps: ChangeDeps,
  ctx: RequestContext,
  d: WebhookDelivery,
): Promise<WebhookResult> {
  const actorName = `webhook:${d.system}`;
  const problem = signatureProblem(deps.webhookSecrets, d);
  if (problem) {
    await recordStandalone(deps.db, deps.audit, ctx, {
      action: 'change.webhook_receive',
      outcome: 'denied',
      actorName,
      details: { system: d.system, deliveryId: d.deliveryId ?? null, reason: problem },
    });
    throw new DomainError(
      'unauthenticated',
      `The webhook signature is missing or wrong: send ${SIGNATURE_HEADER}: sha256=<hex HMAC-SHA256 of the raw body with the secret of ${d.system}>`,
      { reason: 'bad_signature' },
    );
  }

  const deliveryId = d.deliveryId?.trim() ?? '';
  if (deliveryId === '' || deliveryId.length > 200)
    throw new DomainError(
      'invalid_input',
      `The ${DELIVERY_HEADER} header must name the delivery (1–200 characters)`,
      {
        fields: { [DELIVERY_HEADER.toLowerCase()]: ['required, at most 200 characters'] },
      },
    );
  const input = parseBody(d.rawBody);

  return deps.db.kysely.transaction().execute(async (trx) => {
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
    });
    await deps.audit.record(trx, ctx, {
      action: 'change.webhook_received',
      entityType: 'change',
      entityId: result.change.id,
      actorName,
      details: {
        system: d.system,
        key: input.key,
        deliveryId,
        change: changeLabel(result.change),
        created: result.created,
        changed: result.changed,
      },
    });
    return { delivery: 'accepted', deliveryId, changed: result.changed, change: result.change };
  });
}

/** The signed text as a webhook body; the error names each bad field as the routes do. */
function parseBody(raw: string) {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new DomainError('invalid_input', 'The webhook body is not JSON', { fields: { _: ['not JSON'] } });
  }
  const parsed = webhookChangeInput.safeParse(json);
  if (parsed.success) return parsed.data;
  const fields: Record<string, string[]> = {};
  for (const issue of parsed.error.issues) (fields[issue.path.join('.') || '_'] ??= []).push(issue.message);
  throw new DomainError(
    'invalid_input',
    `Invalid body: ${Object.entries(fields)
      .map(([k, v]) => `${k}: ${v.join(', ')}`)
      .join('; ')}`,
    { fields },
  );
}
