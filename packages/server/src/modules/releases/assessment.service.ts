import { fieldProblem } from '@releasegate/messages';
import type { Kysely } from 'kysely';
import { impactOf, invalidFields, notFound, refusal, type PlanRisk } from '@releasegate/domain';
import type { Database } from '../../db/schema';
import type { RequestContext } from '../../context';
import { authorize } from '../../authorize';
import type { ReleaseDeps } from './release.deps';
import * as repo from './release.repository';

/** What this file's functions use of the release workflow's dependencies. */
export type AssessmentDeps = Pick<ReleaseDeps, 'audit' | 'clock' | 'db' | 'graph'>;

export interface RelatedRelease {
  releaseId: string;
  number: string;
  title: string;
  state: string;
  sharedCis: string[];
  /** 'same': shared CIs (merge them?); 'this_first': the other depends on what this one changes; 'other_first': the reverse. */
  relation: 'same' | 'this_first' | 'other_first';
}

export interface RelationshipFindings {
  related: RelatedRelease[];
  proposeMerge: string[];
  proposedOrder: string[];
}

export interface RelationshipDecision {
  decision: 'merge' | 'separate';
  mergeWith: string[];
  order: string[];
  note: string;
}

export interface ResourceAssessment {
  technical: string;
  people: { name: string; role: string; availability: string }[];
  time: { estimateHours: number; note?: string };
}

export interface RiskAssessment {
  risks: PlanRisk[];
}

const DEPTH = 5;

async function load(q: Kysely<Database>, id: string) {
  const r = await repo.findRelease(q, id);
  if (!r) throw notFound('release', id);
  return r;
}

function assertAssessable(r: repo.Release) {
  if (r.state !== 'requested' && r.state !== 'planning') {
    throw refusal('invalid_transition', 'assessment_during_intake', {
      code: 'assessment_not_now',
      params: { release: r.number, state: r.state },
    });
  }
}

/**
 * IN-3: the other open releases that share CIs with this one, or whose CIs depend either way on
 * its CIs in the CMDB; proposes merging those sharing CIs and an order for dependent ones.
 */
export async function analyseRelationships(
  deps: AssessmentDeps,
  ctx: RequestContext,
  id: string,
): Promise<RelationshipFindings> {
  authorize(ctx, 'release.read');
  const q = deps.db.kysely;
  const release = await load(q, id);
  const graph = await deps.graph.current();
  const reach = (ids: string[]) =>
    new Set(
      Array.from(
        impactOf(
          graph.graph,
          ids.map((x) => graph.index.get(x) ?? -1),
          DEPTH,
        ).affected,
        (i) => graph.ids[i],
      ),
    );
  const mine = new Set(release.targetCiIds);
  const mineAffects = reach(release.targetCiIds);
  const related: RelatedRelease[] = [];
  for (const other of await repo.openReleases(q, 'asc')) {
    if (other.id === release.id) continue;
    const shared = other.targetCiIds.filter((c) => mine.has(c));
    let relation: RelatedRelease['relation'] | null = shared.length ? 'same' : null;
    if (!relation && other.targetCiIds.some((c) => mineAffects.has(c))) relation = 'this_first';
    if (!relation && [...mine].some((c) => reach(other.targetCiIds).has(c))) relation = 'other_first';
    if (relation)
      related.push({
        releaseId: other.id,
        number: other.number,
        title: other.title,
        state: other.state,
        sharedCis: shared,
        relation,
      });
  }
  const proposedOrder = [
    ...related.filter((r) => r.relation === 'other_first').map((r) => r.number),
    release.number,
    ...related.filter((r) => r.relation === 'this_first').map((r) => r.number),
  ];
  return {
    related,
    proposeMerge: related.filter((r) => r.relation === 'same').map((r) => r.number),
    proposedOrder,
  };
}

async function record(
  deps: AssessmentDeps,
  ctx: RequestContext,
  id: string,
  kind: repo.Assessment['kind'],
  content: unknown,
) {
  const principal = authorize(ctx, 'release.plan');
  await deps.db.kysely.transaction().execute(async (trx) => {
    const release = await load(trx, id);
    assertAssessable(release);
    await repo.insertAssessment(trx, release.id, {
      kind,
      content,
      recordedBy: principal.username,
      recordedAt: deps.clock.now().toISOString(),
    });
    await deps.audit.record(trx, ctx, {
      action: `release.assess_${kind}`,
      entityType: 'release',
      entityId: release.id,
      after: content,
    });
  });
}

/** IN-3: the decision (merge or keep separate, and the order) recorded with the findings it was made on. */
export async function decideRelationships(
  deps: AssessmentDeps,
  ctx: RequestContext,
  id: string,
  decision: RelationshipDecision,
) {
  const findings = await analyseRelationships(deps, ctx, id);
  await record(deps, ctx, id, 'relationship', { findings, decision });
}

/** IN-4: technical resources, named people with their availability, time. */
export async function assessResources(
  deps: AssessmentDeps,
  ctx: RequestContext,
  id: string,
  content: ResourceAssessment,
) {
  await record(deps, ctx, id, 'resource', content);
}

/** IN-5: technical, business and management risks, each with likelihood, impact and response. */
export async function assessRisks(
  deps: AssessmentDeps,
  ctx: RequestContext,
  id: string,
  content: RiskAssessment,
) {
  const categories = new Set(content.risks.map((r) => r.category));
  const missing = (['technical', 'business', 'management'] as const).filter((c) => !categories.has(c));
  if (missing.length) {
    throw invalidFields({
      risks: missing.map((category) => fieldProblem('risk_not_assessed', { category })),
    });
  }
  await record(deps, ctx, id, 'risk', content);
}
