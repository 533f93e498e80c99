import type { Dayjs } from 'dayjs';
import { fromPickerTime, toPickerTime } from '../../../common/format';
import {
  PLAN_SECTIONS,
  type Assessment,
  type PlanContent,
  type PlanIndicator,
  type PlanRisk,
  type PlanSection,
  type PlanStep,
  type ReleaseDetail,
  type ResourceAssessment,
  type RiskAssessment,
} from '../../../api/types';
import { fieldChanges } from '../../audit/auditDiff';

/** The plan as the editor's form holds it: every list present, the window as two dates. */
export interface PlanFormValues {
  purpose?: string;
  scope: {
    ciIds: string[];
    services: string[];
    users?: string;
    downtimeMinutes?: number | null;
    notes?: string;
  };
  participants: Partial<{ name: string; role: string; responsibility: string }>[];
  risks: Partial<PlanRisk>[];
  baseline: {
    baselineId?: string | null;
    targets: Partial<{ ciId: string; currentVersion: string | null; targetVersion: string }>[];
    noChangeReason?: string | null;
  };
  postDeployment?: string;
  window?: [Dayjs | null, Dayjs | null] | null;
  resources?: string;
  steps: Partial<PlanStep>[];
  rollback: {
    steps: Partial<PlanStep>[];
    triggers: Partial<{ indicator: string; threshold: string }>[];
  };
  monitoring: { indicators: Partial<PlanIndicator>[]; errorPatterns: string[] };
}

const text = (v: string | null | undefined) => (v ?? '').trim();
const hasText = (...values: (string | null | undefined)[]) => values.some((v) => text(v).length > 0);

export function latestAssessment<T>(release: ReleaseDetail, kind: Assessment['kind']): T | undefined {
  const found = release.assessments.filter((a) => a.kind === kind).sort((a, b) => b.seq - a.seq)[0];
  return found?.content as T | undefined;
}

/** A new plan starts from what is known: the release's targets and its risk assessment. */
export function initialContent(release: ReleaseDetail): PlanContent {
  const risk = latestAssessment<RiskAssessment>(release, 'risk');
  return { scope: { ciIds: [...release.targetCiIds] }, risks: risk?.risks.map((r) => ({ ...r })) };
}

export function toFormValues(content: PlanContent): PlanFormValues {
  return {
    purpose: content.purpose,
    scope: {
      ciIds: content.scope?.ciIds ?? [],
      services: content.scope?.services ?? [],
      users: content.scope?.users,
      downtimeMinutes: content.scope?.downtimeMinutes ?? null,
      notes: content.scope?.notes,
    },
    participants: content.participants ?? [],
    risks: content.risks ?? [],
    baseline: {
      baselineId: content.baseline?.baselineId ?? null,
      targets: content.baseline?.targets ?? [],
      noChangeReason: content.baseline?.noChangeReason ?? null,
    },
    postDeployment: content.postDeployment,
    window: content.window ? [toPickerTime(content.window.start), toPickerTime(content.window.end)] : null,
    resources: content.resources,
    steps: content.steps ?? [],
    rollback: { steps: content.rollback?.steps ?? [], triggers: content.rollback?.triggers ?? [] },
    monitoring: {
      indicators: content.monitoring?.indicators ?? [],
      errorPatterns: content.monitoring?.errorPatterns ?? [],
    },
  };
}

/** IM-4, IM-5: indicators with a key or a name, patterns not blank; no section when nothing is watched. */
function monitoringOf(v: PlanFormValues['monitoring'] | undefined): Pick<PlanContent, 'monitoring'> {
  const indicators = (v?.indicators ?? [])
    .filter((i) => hasText(i.key, i.name))
    .map((i) => ({
      key: text(i.key),
      name: text(i.name),
      query: text(i.query) || null,
      comparator: i.comparator ?? 'gt',
      threshold: i.threshold ?? 0,
      unit: text(i.unit) || null,
    }));
  const errorPatterns = (v?.errorPatterns ?? []).map((p) => p.trim()).filter(Boolean);
  return indicators.length || errorPatterns.length ? { monitoring: { indicators, errorPatterns } } : {};
}

const step = (s: Partial<PlanStep>): PlanStep => ({
  title: text(s.title),
  owner: text(s.owner),
  ...(s.assignee ? { assignee: s.assignee } : {}),
  expectedMinutes: Math.max(0, Math.round(s.expectedMinutes ?? 0)),
  verification: text(s.verification),
});
const stepFilled = (s: Partial<PlanStep>) =>
  hasText(s.title, s.owner, s.verification, s.assignee) || (s.expectedMinutes ?? 0) > 0;

/** The sections to save: text trimmed, rows left completely empty dropped. */
export function toContent(v: PlanFormValues): PlanContent {
  const [start, end] = v.window ?? [null, null];
  return {
    purpose: text(v.purpose),
    scope: {
      ciIds: v.scope?.ciIds ?? [],
      services: v.scope?.services ?? [],
      users: text(v.scope?.users),
      downtimeMinutes: v.scope?.downtimeMinutes ?? null,
      notes: text(v.scope?.notes),
    },
    participants: (v.participants ?? [])
      .filter((p) => hasText(p.name, p.role, p.responsibility))
      .map((p) => ({ name: text(p.name), role: text(p.role), responsibility: text(p.responsibility) })),
    risks: (v.risks ?? [])
      .filter((r) => hasText(r.description, r.response))
      .map((r) => ({
        category: r.category ?? 'technical',
        description: text(r.description),
        likelihood: r.likelihood ?? 'medium',
        impact: r.impact ?? 'medium',
        response: text(r.response),
      })),
    baseline: {
      baselineId: v.baseline?.baselineId ?? null,
      targets: (v.baseline?.targets ?? [])
        .filter((x) => x.ciId)
        .map((x) => ({
          ciId: x.ciId ?? '',
          currentVersion: text(x.currentVersion) || null,
          targetVersion: text(x.targetVersion),
        })),
      ...(text(v.baseline?.noChangeReason) && { noChangeReason: text(v.baseline?.noChangeReason) }),
    },
    postDeployment: text(v.postDeployment),
    ...(start && end ? { window: { start: fromPickerTime(start), end: fromPickerTime(end) } } : {}),
    resources: text(v.resources),
    steps: (v.steps ?? []).filter(stepFilled).map(step),
    rollback: {
      steps: (v.rollback?.steps ?? []).filter(stepFilled).map(step),
      triggers: (v.rollback?.triggers ?? [])
        .filter((x) => hasText(x.indicator, x.threshold))
        .map((x) => ({ indicator: text(x.indicator), threshold: text(x.threshold) })),
    },
    ...monitoringOf(v.monitoring),
  };
}

/** The plan as it would be saved, as text to compare: equal keys mean nothing to save. */
export const contentKey = (v: PlanFormValues) => JSON.stringify(toContent(v));

export const plannedMinutes = (steps: readonly Partial<PlanStep>[] | undefined) =>
  (steps ?? []).reduce((sum, s) => sum + (s.expectedMinutes ?? 0), 0);

/** IN-4 as the text of the plan's resources section. */
export function resourcesText(
  r: ResourceAssessment,
  labels: { technical: string; people: string; time: string; hours: string },
): string {
  const people = r.people.map((p) => `${p.name}（${p.role}）：${p.availability}`).join('\n');
  return [
    `${labels.technical}：${r.technical}`,
    `${labels.people}：\n${people}`,
    `${labels.time}：${r.time.estimateHours} ${labels.hours}${r.time.note ? `，${r.time.note}` : ''}`,
  ].join('\n');
}

/** A part of a plan as the reader sees it: one of its sections, or the optional monitoring. */
export type PlanPart = PlanSection | 'monitoring';

/** The field of the plan's content each part is kept in. */
const PART_FIELD: Record<PlanPart, keyof PlanContent> = {
  purpose: 'purpose',
  scope: 'scope',
  participants: 'participants',
  risks: 'risks',
  baseline: 'baseline',
  post_deployment: 'postDeployment',
  window: 'window',
  resources: 'resources',
  steps: 'steps',
  rollback: 'rollback',
  monitoring: 'monitoring',
};

/**
 * PL-2, PL-3: the parts of the plan that differ between an earlier version and this one, in the
 * plan's order — what an approver reads first (issue #17).
 */
export function changedParts(before: PlanContent, after: PlanContent): PlanPart[] {
  const changed = new Set((fieldChanges(before, after) ?? []).map((c) => c.field));
  return [...PLAN_SECTIONS, 'monitoring' as const].filter((part) => changed.has(PART_FIELD[part]));
}
