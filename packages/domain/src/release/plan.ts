import { en, type GapCode } from '@releasegate/messages';
import type { PlanSection } from '../policy/policy';

/** PL-1: a release plan in structured sections (never one text box). */
export interface PlanStep {
  title: string;
  /** Who is responsible, as the plan names them (a person, a team, a vendor's engineer). */
  owner: string;
  /**
   * IM-2, RO-3: the account (its user name) of the implementer who carries the step out, where it has one: when the step
   * is at hand it waits in that person's 我的待办 rather than in everyone's who may record steps.
   */
  assignee?: string | null;
  expectedMinutes: number;
  verification: string;
}

export interface PlanRisk {
  category: 'technical' | 'business' | 'management';
  description: string;
  likelihood: 'low' | 'medium' | 'high';
  impact: 'low' | 'medium' | 'high';
  response: string;
}

/** IM-4: a key indicator watched during and after implementation; a breach raises a rollback trigger. */
export interface PlanIndicator {
  key: string;
  name: string;
  /** A PromQL query read on a schedule; without one, readings are entered by hand. */
  query?: string | null;
  comparator: 'gt' | 'gte' | 'lt' | 'lte';
  threshold: number;
  unit?: string | null;
}

/** IM-4, IM-5: what is watched while the release runs. */
export interface PlanMonitoring {
  indicators: PlanIndicator[];
  /** Log lines matching any of these (case-insensitive substrings or /regex/) are flagged. */
  errorPatterns: string[];
}

export interface PlanContent {
  purpose?: string;
  scope?: {
    ciIds: string[];
    services?: string[];
    users?: string;
    downtimeMinutes?: number | null;
    notes?: string;
  };
  participants?: { name: string; role: string; responsibility: string }[];
  risks?: PlanRisk[];
  baseline?: {
    baselineId?: string | null;
    targets: { ciId: string; currentVersion?: string | null; targetVersion: string }[];
    /**
     * PO-2: why the release changes no configuration item's version (a configuration-only
     * change, a data fix): the CMDB update then records that nothing was due, instead of being
     * refused for having no targets.
     */
    noChangeReason?: string | null;
  };
  postDeployment?: string;
  window?: { start: string; end: string };
  resources?: string;
  steps?: PlanStep[];
  rollback?: { steps: PlanStep[]; triggers: { indicator: string; threshold: string }[] };
  monitoring?: PlanMonitoring;
}

export interface SectionGap {
  section: PlanSection;
  /** Why, as a code of the message catalog's `gaps` … */
  code: GapCode;
  /** … and in English. */
  reason: string;
}

const text = (v: string | undefined) => (v ?? '').trim().length > 0;
const stepOk = (s: PlanStep) =>
  text(s.title) && text(s.owner) && s.expectedMinutes > 0 && text(s.verification);

/** Why each section is not complete (an empty list: the plan is complete for these sections). */
export function sectionGaps(content: PlanContent, required: readonly PlanSection[]): SectionGap[] {
  const gaps: SectionGap[] = [];
  const gap = (section: PlanSection, code: GapCode) => gaps.push({ section, code, reason: en.gaps[code] });
  for (const section of required) {
    switch (section) {
      case 'purpose':
        if (!text(content.purpose)) gap(section, 'purpose');
        break;
      case 'scope':
        if (!content.scope || content.scope.ciIds.length === 0) gap(section, 'scope_cis');
        else if (
          content.scope.downtimeMinutes === undefined ||
          content.scope.downtimeMinutes === null ||
          !text(content.scope.users)
        )
          gap(section, 'scope_users');
        break;
      case 'participants':
        if (
          !content.participants?.length ||
          !content.participants.every((p) => text(p.name) && text(p.responsibility))
        )
          gap(section, 'participants');
        break;
      case 'risks':
        if (!content.risks?.length || !content.risks.every((r) => text(r.description) && text(r.response)))
          gap(section, 'risks');
        break;
      case 'baseline':
        if (
          !content.baseline ||
          (!content.baseline.baselineId &&
            content.baseline.targets.length === 0 &&
            !text(content.baseline.noChangeReason ?? undefined))
        )
          gap(section, 'baseline');
        else if (content.baseline.targets.some((t) => !text(t.targetVersion)))
          gap(section, 'target_versions');
        break;
      case 'post_deployment':
        if (!text(content.postDeployment)) gap(section, 'post_deployment');
        break;
      case 'window': {
        const w = content.window;
        if (!w || Number.isNaN(Date.parse(w.start)) || Number.isNaN(Date.parse(w.end)))
          gap(section, 'window');
        else if (Date.parse(w.end) <= Date.parse(w.start)) gap(section, 'window_order');
        break;
      }
      case 'resources':
        if (!text(content.resources)) gap(section, 'resources');
        break;
      case 'steps':
        if (!content.steps?.length) gap(section, 'steps');
        else if (!content.steps.every(stepOk)) gap(section, 'step_fields');
        break;
      case 'rollback':
        if (!content.rollback?.steps.length) gap(section, 'rollback');
        else if (!content.rollback.steps.every(stepOk)) gap(section, 'rollback_fields');
        else if (
          !content.rollback.triggers.length ||
          !content.rollback.triggers.every((t) => text(t.indicator) && text(t.threshold))
        )
          gap(section, 'triggers');
        break;
    }
  }
  return gaps;
}

/** Total planned minutes of the implementation steps. */
export const plannedMinutes = (content: PlanContent) =>
  (content.steps ?? []).reduce((sum, s) => sum + s.expectedMinutes, 0);
