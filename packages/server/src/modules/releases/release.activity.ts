import { notFound } from '@releasegate/domain';
import type { RequestContext } from '../../context';
import { authorize } from '../../authorize';
import { releaseEventsNamedNow } from '../postrelease';
import type { ReleaseDeps } from './release.deps';
import { findRelease } from './release.repository';

/** What this file's functions use of the release workflow's dependencies. */
export type ActivityDeps = Pick<ReleaseDeps, 'db'>;

/** Audit details worth showing on the release's own page (which step, check, type, decision…). */
const SHOWN_DETAILS = [
  'phase',
  'step',
  'title',
  'status',
  'item',
  'result',
  'type',
  'decision',
  'reason',
  'note',
  'outcome',
  'kind',
];

/**
 * PR-3 for the people of a release: what was done to it, by whom and when — its successful
 * actions from the audit trail. The full trail, refusals and hashes included, stays with the
 * auditor (MLPS separation of duties).
 */
export async function releaseActivity(deps: ActivityDeps, ctx: RequestContext, id: string) {
  authorize(ctx, 'release.read');
  const q = deps.db.kysely;
  const release = await findRelease(q, id);
  if (!release) throw notFound('release', id);
  const events = (await releaseEventsNamedNow(q, release.id)).filter((e) => e.outcome === 'success');
  return {
    events: events.map((e) => {
      const details = e.details_json ? (JSON.parse(e.details_json) as Record<string, unknown>) : {};
      return {
        seq: Number(e.seq),
        at: e.occurred_at,
        actor: e.actor_name,
        action: e.action,
        details: Object.fromEntries(
          SHOWN_DETAILS.flatMap((k) =>
            typeof details[k] === 'string' || typeof details[k] === 'number' ? [[k, details[k]]] : [],
          ),
        ),
      };
    }),
  };
}
