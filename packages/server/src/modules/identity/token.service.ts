import { fieldProblem, type Reason, type RuleCode } from '@releasegate/messages';
import { randomUUID } from 'node:crypto';
import {
  NEVER_ON_TOKENS,
  PIPELINE_SCOPES,
  forbidden,
  isPermission,
  notFound,
  permissionsOf,
  refusal,
  refused,
} from '@releasegate/domain';
import type { RequestContext } from '../../context';
import type { IdentityDeps } from './identity.deps';
import * as repo from './identity.repository';
import { authorize, hasPermission, requirePrincipal } from '../../authorize';
import { randomToken, sha256Hex } from './secrets';

export interface CreateToken {
  name: string;
  scopes: string[];
  expiresInDays: number;
  /** Owner; defaults to the caller. Others' tokens: only for service accounts, by token.manage. */
  userId?: string;
}

export type TokenView = Omit<repo.ApiToken, never> & {
  username: string;
  state: 'active' | 'expired' | 'revoked';
};

async function view(deps: IdentityDeps, t: repo.ApiToken): Promise<TokenView> {
  const owner = await repo.findUserById(deps.db.kysely, t.userId);
  const now = deps.clock.now().toISOString();
  return {
    ...t,
    username: owner?.username ?? '?',
    state: t.revokedAt ? 'revoked' : t.expiresAt <= now ? 'expired' : 'active',
  };
}

/** Returns the token's secret once; only its SHA-256 is stored. */
export async function createToken(
  deps: IdentityDeps,
  ctx: RequestContext,
  input: CreateToken,
): Promise<TokenView & { token: string }> {
  const principal = requirePrincipal(ctx);
  const ownerId = input.userId ?? principal.userId;
  const own = ownerId === principal.userId;
  authorize(ctx, own ? 'token.own' : 'token.manage');
  if (principal.via === 'token')
    throw refusal('forbidden', 'tokens_from_session_only', { code: 'token_from_token', params: {} });
  const owner = await repo.findUserById(deps.db.kysely, ownerId);
  if (!owner) throw notFound('user', ownerId);
  // X-4 / RO-3: a token acts as its owner, so only its owner issues it — an administrator who
  // could mint tokens for people could act as any of them. The one exception is a service
  // account, a non-person account that carries pipeline scopes only.
  if (!own && !owner.serviceAccount)
    throw refusal(
      'forbidden',
      'x4_tokens_by_owner',
      { code: 'token_owner_only', params: { owner: owner.username } },
      { owner: owner.username },
    );
  const unknown = input.scopes.filter((s) => !isPermission(s));
  if (unknown.length > 0)
    throw refused(
      'invalid_input',
      { code: 'unknown_scopes', params: { scopes: unknown } },
      { fields: { scopes: unknown.map((scope) => fieldProblem('unknown_scope', { scope })) } },
    );
  const refuseScopes = (notAllowed: string[], rule: RuleCode, why: (scopes: string[]) => Reason) => {
    if (notAllowed.length > 0)
      throw refusal('policy_violation', rule, why(notAllowed), {
        missing: notAllowed,
        fields: { scopes: notAllowed.map((scope) => fieldProblem('scope_refused', { rule, scope })) },
      });
  };
  refuseScopes(
    input.scopes.filter((s) => (NEVER_ON_TOKENS as readonly string[]).includes(s)),
    'x4_identity_by_people',
    (scopes) => ({ code: 'scopes_never_on_tokens', params: { scopes } }),
  );
  if (owner.serviceAccount)
    refuseScopes(
      input.scopes.filter((s) => !(PIPELINE_SCOPES as readonly string[]).includes(s)),
      'x4_service_account_scopes',
      (scopes) => ({ code: 'scopes_not_for_service_accounts', params: { scopes } }),
    );
  const held = permissionsOf(owner.roles);
  refuseScopes(
    input.scopes.filter((s) => isPermission(s) && !held.has(s)),
    'token_scope_within_owner',
    (scopes) => ({ code: 'scopes_beyond_owner', params: { owner: owner.username, scopes } }),
  );
  const secret = randomToken('rg_');
  const now = deps.clock.now();
  const token: repo.ApiToken = {
    id: randomUUID(),
    userId: owner.id,
    name: input.name,
    prefix: secret.slice(0, 10),
    scopes: [...new Set(input.scopes)].sort(),
    createdBy: principal.userId,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + input.expiresInDays * 86_400_000).toISOString(),
    revokedAt: null,
    lastUsedAt: null,
  };
  await deps.db.kysely.transaction().execute(async (trx) => {
    await repo.insertApiToken(trx, { ...token, tokenHash: sha256Hex(secret) });
    await deps.audit.record(trx, ctx, {
      action: 'token.create',
      entityType: 'api_token',
      entityId: token.id,
      after: token,
    });
  });
  return { ...(await view(deps, token)), token: secret };
}

export async function listTokens(
  deps: IdentityDeps,
  ctx: RequestContext,
  userId?: string,
): Promise<TokenView[]> {
  const principal = requirePrincipal(ctx);
  const all = hasPermission(ctx, 'token.manage');
  if (!all && userId && userId !== principal.userId) throw forbidden('token.manage');
  const tokens = await repo.listApiTokens(deps.db.kysely, all ? userId : principal.userId);
  return Promise.all(tokens.map((t) => view(deps, t)));
}

export async function revokeToken(deps: IdentityDeps, ctx: RequestContext, id: string): Promise<TokenView> {
  const principal = requirePrincipal(ctx);
  const after = await deps.db.kysely.transaction().execute(async (trx) => {
    const before = await repo.findApiToken(trx, id);
    if (!before) throw notFound('api_token', id);
    authorize(ctx, before.userId === principal.userId ? 'token.own' : 'token.manage');
    await repo.revokeApiToken(trx, id, deps.clock.now().toISOString());
    const updated = (await repo.findApiToken(trx, id))!;
    await deps.audit.record(trx, ctx, {
      action: 'token.revoke',
      entityType: 'api_token',
      entityId: id,
      before,
      after: updated,
    });
    return updated;
  });
  // Outside the transaction: SQLite has one connection, which the transaction holds.
  return view(deps, after);
}
