import type { Kysely } from 'kysely';
import type { PlanContent, PolicyRules } from '@releasegate/domain';
import type { Database } from '../../db/schema';
import { findChangesByIds, votesOf } from '../changes';
import { findCisByIds } from '../cmdb';
import { findDslVersion } from '../dsl';
import { releaseEventsNamedNow, type CmdbTask } from '../postrelease';
import { changeIdsOf, itemsOf, type Release } from '../releases';
import type { ReleaseReportData } from './report.data';

/** TY-4: the audit event of the after-the-fact review of an emergency release. */
export const EMERGENCY_REVIEW_EVENTS = ['release.review_emergency'];

/**
 * CL-2, PL-4: what makes the documents evidence — the changes with their CAB votes (IN-1), the
 * items with their DSL digests (PR-5), the CIs before and after (PO-2), the classification and its
 * override reason (TY-3), the emergency review (TY-4) and the plan's approval for the sign-off.
 * Read in the caller's transaction; shared by 《发布变更报告》 and 《发布计划》.
 */
export async function evidenceOf(
  q: Kysely<Database>,
  release: Release,
  rules: PolicyRules,
  known: {
    plan:
      | {
          content: PlanContent;
          decidedBy: string | null;
          decidedAt: string | null;
          decisionComment: string | null;
          status: string;
        }
      | null
      | undefined;
    cmdb?: CmdbTask | undefined;
    events?: Awaited<ReturnType<typeof releaseEventsNamedNow>>;
    person: (username: string | null | undefined) => string | null;
  },
): Promise<
  Required<Pick<ReleaseReportData, 'changes' | 'items' | 'configuration' | 'classification' | 'signOff'>> &
    Pick<ReleaseReportData, 'emergencyReview'>
> {
  const { plan, cmdb, person } = known;
  const changes = await findChangesByIds(q, await changeIdsOf(q, release.id));
  const items = await itemsOf(q, release.id);
  const targets = plan?.content.baseline?.targets ?? [];
  const ciIds = [...new Set([...items.flatMap((i) => i.ciIds), ...targets.map((t) => t.ciId)])];
  const ciNames = new Map((await findCisByIds(q, ciIds)).map((c) => [c.id, c.name]));
  const applied = new Map((cmdb?.applied ?? []).map((a) => [a.ciId, a]));
  const events = known.events ?? (await releaseEventsNamedNow(q, release.id));
  const review = events
    .filter((e) => EMERGENCY_REVIEW_EVENTS.includes(e.action) && e.outcome === 'success')
    .at(-1);
  const reviewDetails = review?.details_json
    ? (JSON.parse(review.details_json) as Record<string, unknown>)
    : {};
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
  const planApproved = plan && (plan.status === 'approved' || plan.status === 'superseded');
  return {
    classification: {
      proposed: release.proposal.type,
      proposedReasons: release.proposal.reasons,
      final: release.type,
      overrideReason: release.typeReason,
    },
    changes: await Promise.all(
      changes.map(async (c) => ({
        number: c.number,
        title: c.title,
        external: c.external ? `${c.external.system} ${c.external.key}` : null,
        state: c.state,
        approvedAt: c.approvedAt,
        emergencyReason: c.emergency ? c.emergencyReason : null,
        approvedVia: c.approvedVia,
        votes: (await votesOf(q, c.id)).map((v) => ({
          voter: person(v.voter) ?? v.voter,
          decision: v.decision,
          at: v.votedAt,
          comment: v.comment,
          // IN-1: a changed vote is kept; the document shows it, marked as replaced.
          superseded: v.supersededAt !== null,
          emergencyCab: v.emergencyCab,
        })),
      })),
    ),
    items: await Promise.all(
      items.map(async (i) => {
        const dsl = i.dslVersionId ? await findDslVersion(q, i.dslVersionId) : undefined;
        return {
          kind: i.kind,
          title: i.title,
          dsl: dsl
            ? { name: dsl.name, version: dsl.version, digest: dsl.digest, approvedBy: person(dsl.decidedBy) }
            : null,
          cis: i.ciIds.map((id) => ciNames.get(id) ?? id),
        };
      }),
    ),
    configuration: targets.map((t) => {
      const a = applied.get(t.ciId);
      return {
        ci: ciNames.get(t.ciId) ?? a?.ciName ?? t.ciId,
        before: a ? a.before : (t.currentVersion ?? null),
        target: t.targetVersion,
        applied: a?.after ?? null,
      };
    }),
    ...(release.type === 'emergency' || review
      ? {
          emergencyReview: review
            ? {
                by: person(review.actor_name) ?? 'ReleaseGate',
                at: review.occurred_at,
                conclusion:
                  [
                    typeof reviewDetails.justified === 'boolean'
                      ? reviewDetails.justified
                        ? '紧急发布理由成立'
                        : '紧急发布理由不成立'
                      : null,
                    text(reviewDetails.findings) ??
                      text(reviewDetails.conclusion) ??
                      text(reviewDetails.comment),
                  ]
                    .filter(Boolean)
                    .join('：') || null,
              }
            : null,
        }
      : {}),
    signOff: [
      {
        duty: 'plan_approval',
        roles: release.type ? rules.approvalAuthority[release.type] : [],
        name: planApproved ? person(plan.decidedBy) : null,
        opinion: planApproved ? ['批准', plan.decisionComment].filter(Boolean).join('：') : null,
        at: planApproved ? plan.decidedAt : null,
      },
    ],
  };
}
