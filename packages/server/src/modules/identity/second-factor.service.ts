import { FIELDS, RULES } from '@releasegate/messages';
import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { notFound, refusal, secondFactorRequired, type DomainError } from '@releasegate/domain';
import type { RequestContext } from '../../context';
import type { IdentityDeps } from './identity.deps';
import * as repo from './identity.repository';
import { authorize, requirePrincipal } from '../../authorize';
import { sha256Hex } from './secrets';

/**
 * X-4 second factor: TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps), as every
 * authenticator app reads it from an otpauth:// URI. One step either side is accepted for clock
 * drift; a step once accepted is never accepted again (replay), on any node.
 */
const PERIOD_SECONDS = 30;
const DIGITS = 6;
const DRIFT_STEPS = 1;
const ISSUER = 'ReleaseGate';
export const RECOVERY_CODE_COUNT = 10;

const iso = (d: Date) => d.toISOString();

const totpFor = (secretBase32: string, label = 'user') =>
  new TOTP({
    issuer: ISSUER,
    label,
    algorithm: 'SHA1',
    digits: DIGITS,
    period: PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  });

/** A recovery code: 10 characters of base32 in two groups, about 50 random bits. */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
function newRecoveryCode(): string {
  const bytes = randomBytes(10);
  const chars = [...bytes].map((b) => RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}
/** Case, spaces and dashes do not matter when a recovery code is typed. */
const recoveryHash = (code: string) => sha256Hex(code.toLowerCase().replace(/[\s-]/g, ''));

export type CodeCheck = 'accepted' | 'wrong' | 'replayed';

/**
 * Checks a code against the user's secret at the clock's time and, when it is right, claims its
 * step in the same transaction: a code already used in its step answers 'replayed'.
 */
export async function checkTotpCode(
  deps: IdentityDeps,
  q: Parameters<typeof repo.claimTotpStep>[0],
  userId: string,
  totp: repo.Totp,
  code: string,
): Promise<CodeCheck> {
  const timestamp = deps.clock.now().getTime();
  const delta = totpFor(deps.secrets.open(totp.secret)).validate({
    token: code.trim(),
    timestamp,
    window: DRIFT_STEPS,
  });
  if (delta === null) return 'wrong';
  const step = Math.floor(timestamp / 1000 / PERIOD_SECONDS) + delta;
  return (await repo.claimTotpStep(q, userId, step)) ? 'accepted' : 'replayed';
}

/** Spends one of the user's recovery codes; false when it is unknown or used. */
export function spendRecoveryCode(
  deps: IdentityDeps,
  q: Parameters<typeof repo.useRecoveryCode>[0],
  userId: string,
  code: string,
): Promise<boolean> {
  return repo.useRecoveryCode(q, userId, recoveryHash(code), iso(deps.clock.now()));
}

export const codeProblem = (check: Exclude<CodeCheck, 'accepted'>) =>
  check === 'replayed' ? FIELDS.totp_code_used : FIELDS.totp_code_wrong;

export interface SecondFactorStatus {
  enabled: boolean;
  confirmedAt: string | null;
  /** Enrolment started and not yet confirmed. */
  pending: boolean;
  recoveryCodesLeft: number;
  /** Policy obliges this user to have one (strict profile, administrator or operations manager). */
  required: boolean;
}

export async function secondFactorStatus(
  deps: IdentityDeps,
  ctx: RequestContext,
): Promise<SecondFactorStatus> {
  const principal = requirePrincipal(ctx);
  const q = deps.db.kysely;
  const totp = await repo.findTotp(q, principal.userId);
  return {
    enabled: !!totp?.confirmedAt,
    confirmedAt: totp?.confirmedAt ?? null,
    pending: !!totp && !totp.confirmedAt,
    recoveryCodesLeft: totp?.confirmedAt ? await repo.countRecoveryCodesLeft(q, principal.userId) : 0,
    required: secondFactorRequired(principal.roles, deps.settings.password.profile),
  };
}

export interface Enrolment {
  /** The secret in base32, for typing it in when the QR code cannot be scanned. */
  secret: string;
  uri: string;
  /** The otpauth URI as a PNG QR code (data: URL). */
  qrDataUrl: string;
}

const alreadyEnabled = () =>
  refusal(
    'conflict',
    'x4_second_factor',
    { code: 'second_factor_already_enabled', params: {} },
    { reason: 'already_enabled' },
  );

/**
 * Starts (or restarts) enrolment: a new secret, sealed in the database, shown now. It is shown
 * again only by restarting, which replaces it; once confirmed it is never shown again.
 */
export async function startEnrolment(deps: IdentityDeps, ctx: RequestContext): Promise<Enrolment> {
  const principal = requirePrincipal(ctx);
  const secret = new Secret({ size: 20 }).base32;
  const uri = totpFor(secret, principal.username).toString();
  // Loaded on first use, not at the server's start (docs/performance.md).
  const { default: QRCode } = await import('qrcode');
  const qrDataUrl = await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 1, width: 240 });
  await deps.db.kysely.transaction().execute(async (trx) => {
    const existing = await repo.findTotp(trx, principal.userId);
    if (existing?.confirmedAt) throw alreadyEnabled();
    await repo.startTotp(trx, principal.userId, deps.secrets.seal(secret), iso(deps.clock.now()));
    await deps.audit.record(trx, ctx, {
      action: 'identity.second_factor_enrol',
      entityType: 'user',
      entityId: principal.userId,
      details: { method: 'totp', restarted: !!existing },
    });
  });
  return { secret, uri, qrDataUrl };
}

type Refusable<T> = { error: DomainError } | { value: T };
const unwrap = <T>(outcome: Refusable<T>): T => {
  if ('error' in outcome) throw outcome.error;
  return outcome.value;
};

/** Confirms enrolment with a current code; answers the recovery codes, shown this once. */
export async function confirmEnrolment(
  deps: IdentityDeps,
  ctx: RequestContext,
  input: { code: string },
): Promise<{ recoveryCodes: string[] }> {
  const principal = requirePrincipal(ctx);
  const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const outcome = await deps.db.kysely.transaction().execute(async (trx): Promise<Refusable<null>> => {
    const totp = await repo.findTotp(trx, principal.userId);
    if (totp?.confirmedAt) return { error: alreadyEnabled() };
    if (!totp)
      return {
        error: refusal(
          'conflict',
          'x4_second_factor',
          { code: 'second_factor_not_started', params: {} },
          { reason: 'not_started' },
        ),
      };
    const check = await checkTotpCode(deps, trx, principal.userId, totp, input.code);
    if (check !== 'accepted') return refuseCode(deps, trx, ctx, 'identity.second_factor_confirm', check);
    const now = iso(deps.clock.now());
    await repo.confirmTotp(trx, principal.userId, now);
    await repo.replaceRecoveryCodes(trx, principal.userId, recoveryCodes.map(recoveryHash), now);
    await deps.audit.record(trx, ctx, {
      action: 'identity.second_factor_confirm',
      entityType: 'user',
      entityId: principal.userId,
      details: { method: 'totp', recoveryCodes: recoveryCodes.length },
    });
    return { value: null };
  });
  unwrap(outcome);
  return { recoveryCodes };
}

const wrongCode = (check: Exclude<CodeCheck, 'accepted'>) =>
  refusal(
    'invalid_input',
    'x4_second_factor',
    { code: check === 'replayed' ? 'second_factor_code_used' : 'second_factor_code_wrong', params: {} },
    { reason: `${check}_code`, fields: { code: [codeProblem(check)] } },
  );

/** A wrong or replayed code of one's own (confirming, turning off): its audit event, then the refusal. */
async function refuseCode(
  deps: IdentityDeps,
  trx: Parameters<typeof repo.claimTotpStep>[0],
  ctx: RequestContext,
  action:
    | 'identity.second_factor_confirm'
    | 'identity.second_factor_disable'
    | 'identity.recovery_codes_regenerate',
  check: Exclude<CodeCheck, 'accepted'>,
): Promise<{ error: DomainError }> {
  await deps.audit.record(trx, ctx, {
    action,
    entityType: 'user',
    entityId: requirePrincipal(ctx).userId,
    outcome: 'denied',
    details: { reason: `${check}_code`, rule: RULES.x4_second_factor },
  });
  return { error: wrongCode(check) };
}

/**
 * New recovery codes for one's own second factor (the old ones used up, or seen by someone):
 * a current code proves the authenticator is at hand; every earlier recovery code stops working,
 * and the new ones are shown this once.
 */
export async function regenerateRecoveryCodes(
  deps: IdentityDeps,
  ctx: RequestContext,
  input: { code: string },
): Promise<{ recoveryCodes: string[] }> {
  const principal = requirePrincipal(ctx);
  const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const outcome = await deps.db.kysely.transaction().execute(async (trx): Promise<Refusable<null>> => {
    const totp = await repo.findTotp(trx, principal.userId);
    if (!totp?.confirmedAt) return { error: notEnabled() };
    const check = await checkTotpCode(deps, trx, principal.userId, totp, input.code);
    if (check !== 'accepted') return refuseCode(deps, trx, ctx, 'identity.recovery_codes_regenerate', check);
    const now = iso(deps.clock.now());
    const left = await repo.countRecoveryCodesLeft(trx, principal.userId);
    await repo.replaceRecoveryCodes(trx, principal.userId, recoveryCodes.map(recoveryHash), now);
    await deps.audit.record(trx, ctx, {
      action: 'identity.recovery_codes_regenerate',
      entityType: 'user',
      entityId: principal.userId,
      details: { replaced: left, recoveryCodes: recoveryCodes.length },
    });
    return { value: null };
  });
  unwrap(outcome);
  return { recoveryCodes };
}

const notEnabled = () =>
  refusal(
    'conflict',
    'x4_second_factor',
    { code: 'second_factor_not_enabled', params: {} },
    { reason: 'not_enabled' },
  );

/** Turns one's own second factor off; a current code proves the authenticator is at hand. */
export async function disableOwn(
  deps: IdentityDeps,
  ctx: RequestContext,
  input: { code: string },
): Promise<void> {
  const principal = requirePrincipal(ctx);
  const outcome = await deps.db.kysely.transaction().execute(async (trx): Promise<Refusable<null>> => {
    const totp = await repo.findTotp(trx, principal.userId);
    if (!totp?.confirmedAt) return { error: notEnabled() };
    const check = await checkTotpCode(deps, trx, principal.userId, totp, input.code);
    if (check !== 'accepted') return refuseCode(deps, trx, ctx, 'identity.second_factor_disable', check);
    await repo.clearTotp(trx, principal.userId, iso(deps.clock.now()));
    await deps.audit.record(trx, ctx, {
      action: 'identity.second_factor_disable',
      entityType: 'user',
      entityId: principal.userId,
      details: { method: 'totp' },
    });
    return { value: null };
  });
  unwrap(outcome);
}

/**
 * The security administrator removes someone else's second factor (a lost phone); its owner
 * enrols again — at the next sign-in when policy requires one. Never one's own: that would let
 * a stolen administrator password switch off the factor that protects it.
 */
export async function resetSecondFactor(
  deps: IdentityDeps,
  ctx: RequestContext,
  userId: string,
): Promise<void> {
  const principal = authorize(ctx, 'user.manage');
  if (principal.userId === userId)
    throw refusal(
      'forbidden',
      'x4_second_factor_reset_by_another',
      { code: 'own_second_factor', params: {} },
      { reason: 'own_second_factor' },
    );
  await deps.db.kysely.transaction().execute(async (trx) => {
    const user = await repo.findUserById(trx, userId);
    if (!user) throw notFound('user', userId);
    const totp = await repo.findTotp(trx, userId);
    if (!totp) throw notEnabled();
    await repo.clearTotp(trx, userId, iso(deps.clock.now()));
    await deps.audit.record(trx, ctx, {
      action: 'user.second_factor_reset',
      entityType: 'user',
      entityId: userId,
      details: { username: user.username, method: 'totp', confirmedAt: totp.confirmedAt },
    });
  });
}
