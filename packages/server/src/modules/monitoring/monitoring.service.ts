import { FIELDS } from '@releasegate/messages';
import type { Kysely } from 'kysely';
import {
  invalidFields,
  refusal,
  complaintsReachThreshold,
  isBreach,
  logLevelIn,
  matchingErrorPattern,
  notFound,
  thresholdText,
  type PlanIndicator,
  type PolicyRules,
} from '@releasegate/domain';
import type { Database } from '../../db/schema';
import { systemContext, type RequestContext } from '../../context';
import { authorize } from '../../authorize';
import { enqueueJob } from '../../jobs/job.repository';
import type { LeasedJob } from '../../jobs/job.runner';
import { type ReleaseDeps, findRelease, type Release, rulesOf, publishChange, runAction } from '../releases';
import { approvedPlan, MONITORING_POLL_JOB } from '../execution';
import { raiseTriggerIn, triggersOf } from '../rollback';
import { approvedPlanOf } from '../plans';
import { readScalar, PrometheusError } from './prometheus.client';
import * as repo from './monitoring.repository';

/** What this file's functions use of the release workflow's dependencies. */
export type MonitoringDeps = Pick<
  ReleaseDeps,
  'audit' | 'changeApprovals' | 'clock' | 'db' | 'events' | 'graph' | 'prometheusUrl'
>;

const WATCHED_STATES = ['implementing', 'post_release'];

const SYSTEM = 'ReleaseGate';

/** The trigger summary names the indicator first, so one open trigger per indicator is enough. */
const breachSummary = (i: PlanIndicator, value: number) =>
  `[${i.key}] ${i.name} = ${value} (${thresholdText(i)})`;

/**
 * IM-4: records a reading; a breach raises a performance trigger by itself (unless one for the
 * same indicator still awaits its decision). Returns whether it breached and the trigger raised.
 */
async function recordReadingIn(
  trx: Kysely<Database>,
  deps: MonitoringDeps,
  ctx: RequestContext,
  release: Release,
  rules: PolicyRules,
  indicator: PlanIndicator,
  reading: { value: number; at: string; source: 'manual' | 'prometheus'; recordedBy: string },
) {
  const breached = isBreach(indicator, reading.value);
  await repo.insertReading(trx, release.id, { indicatorKey: indicator.key, breached, ...reading });
  if (!breached || !WATCHED_STATES.includes(release.state)) return { breached, trigger: null };
  const open = (await triggersOf(trx, release.id)).find(
    (t) => !t.decision && t.indicator === indicator.key,
  );
  if (open) return { breached, trigger: null };
  const trigger = await raiseTriggerIn(trx, deps, ctx, release, rules, {
    kind: 'performance',
    source: 'metric',
    summary: breachSummary(indicator, reading.value),
    evidenceReason:
      reading.source === 'prometheus'
        ? { code: 'trigger_evidence_prometheus', params: { query: indicator.query ?? '', at: reading.at } }
        : { code: 'trigger_evidence_entered', params: { by: reading.recordedBy, at: reading.at } },
    indicator: indicator.key,
    discoveredAt: reading.at,
    raisedBy: SYSTEM,
  });
  return { breached, trigger };
}

async function indicatorOf(trx: Kysely<Database>, releaseId: string, key: string) {
  const plan = await approvedPlan(trx, releaseId);
  const indicators = plan.content.monitoring?.indicators ?? [];
  const indicator = indicators.find((i) => i.key === key);
  if (!indicator)
    throw refusal(
      'invalid_input',
      'indicators_from_plan',
      { code: 'indicator_not_in_plan', params: { key, keys: indicators.map((i) => i.key) } },
      { fields: { indicator: [FIELDS.not_in_plan] } },
    );
  return indicator;
}

/** IM-4: a reading entered by hand. */
export async function recordReading(
  deps: MonitoringDeps,
  ctx: RequestContext,
  id: string,
  input: { indicator: string; value: number; at?: string | null },
) {
  authorize(ctx, 'release.implement');
  return runAction(deps, ctx, id, 'record_monitoring', async (trx, release, principal) => {
    const indicator = await indicatorOf(trx, release.id, input.indicator);
    const at = observedAt(input.at, deps.clock.now(), 'at');
    const outcome = await recordReadingIn(trx, deps, ctx, release, await rulesOf(trx, release), indicator, {
      value: input.value,
      at,
      source: 'manual',
      recordedBy: principal.displayName || principal.username,
    });
    return {
      release,
      result: outcome,
      details: {
        indicator: indicator.key,
        value: input.value,
        breached: outcome.breached,
        trigger: outcome.trigger?.id,
      },
    };
  });
}

export interface LogLine {
  at?: string | null;
  level: repo.LogEntry['level'];
  message: string;
  source?: string | null;
  stepIndex?: number | null;
}

/** Clocks of the tools that report may run a little ahead of ours; more than this is refused. */
const CLOCK_SKEW_MS = 60_000;

/**
 * When something was observed: the reporter's time if it gives one, never later than the
 * server's clock (plus a little skew) — a reading, log line or complaint dated in the future
 * would sit outside the windows the policy counts in (IM-4, IM-6).
 */
function observedAt(at: string | null | undefined, now: Date, field: string): string {
  if (!at) return now.toISOString();
  const when = new Date(at);
  if (when.getTime() > now.getTime() + CLOCK_SKEW_MS)
    throw invalidFields({ [field]: [FIELDS.not_after_now] });
  return when.toISOString();
}

/** IM-5: log lines pushed by tooling or attached by people; the plan's error patterns flag lines. */
export async function pushLogs(deps: MonitoringDeps, ctx: RequestContext, id: string, lines: LogLine[]) {
  authorize(ctx, 'release.implement');
  return runAction(deps, ctx, id, 'record_monitoring', async (trx, release, principal) => {
    const patterns = (await approvedPlan(trx, release.id)).content.monitoring?.errorPatterns ?? [];
    const now = deps.clock.now();
    const by = principal.displayName || principal.username;
    const entries = lines.map((l, i) => ({
      at: observedAt(l.at, now, `lines.${i}.at`),
      // The level the line states wins over the one sent with it (a pasted file's default).
      level: logLevelIn(l.message) ?? l.level,
      message: l.message,
      source: l.source?.trim() || (principal.via === 'token' ? 'pipeline' : 'attached'),
      stepIndex: l.stepIndex ?? null,
      flaggedPattern: matchingErrorPattern(l.message, patterns),
      recordedBy: by,
    }));
    await repo.insertLogs(trx, release.id, entries);
    const flagged = entries.filter((e) => e.flaggedPattern).length;
    return {
      release,
      result: { accepted: entries.length, flagged },
      details: { lines: entries.length, flagged },
    };
  });
}

export async function searchLogs(
  deps: MonitoringDeps,
  ctx: RequestContext,
  id: string,
  filter: repo.LogFilter,
) {
  authorize(ctx, 'release.read');
  const release = await findRelease(deps.db.kysely, id);
  if (!release) throw notFound('release', id);
  return repo.searchLogs(deps.db.kysely, release.id, filter);
}

/**
 * IM-6: a user feedback item. Complaints reaching the policy's N within M minutes raise a
 * concentrated-complaints trigger by itself (one while it awaits its decision).
 */
export async function recordFeedback(
  deps: MonitoringDeps,
  ctx: RequestContext,
  id: string,
  input: Omit<repo.Feedback, 'seq' | 'recordedBy' | 'at'> & { at?: string | null },
) {
  authorize(ctx, 'release.implement');
  return runAction(deps, ctx, id, 'record_monitoring', async (trx, release, principal) => {
    const at = observedAt(input.at, deps.clock.now(), 'at');
    await repo.insertFeedback(trx, release.id, {
      ...input,
      at,
      recordedBy: principal.displayName || principal.username,
    });
    let trigger = null;
    if (input.complaint && WATCHED_STATES.includes(release.state)) {
      const rules = await rulesOf(trx, release);
      const complaints = (await repo.feedbackOf(trx, release.id)).filter((f) => f.complaint).map((f) => f.at);
      const open = (await triggersOf(trx, release.id)).some((t) => !t.decision && t.kind === 'complaints');
      if (!open && complaintsReachThreshold(complaints, new Date(at), rules)) {
        const { count, withinMinutes } = rules.complaintThreshold;
        trigger = await raiseTriggerIn(trx, deps, ctx, release, rules, {
          kind: 'complaints',
          source: 'feedback',
          summary: `${count} complaints within ${withinMinutes} minutes (IM-6 policy threshold)`,
          evidence: `latest: ${input.channel}, ${input.reporter}: ${input.content}`,
          discoveredAt: at,
          raisedBy: SYSTEM,
        });
      }
    }
    return {
      release,
      result: { trigger },
      details: { channel: input.channel, severity: input.severity, trigger: trigger?.id },
    };
  });
}

/** IM-4…IM-6 for the screen: indicators with their readings, feedback, the complaint window. */
export async function getMonitoring(deps: MonitoringDeps, ctx: RequestContext, id: string) {
  authorize(ctx, 'release.read');
  const q = deps.db.kysely;
  const release = await findRelease(q, id);
  if (!release) throw notFound('release', id);
  const rules = await rulesOf(q, release);
  const plan = (await approvedPlanOf(q, release.id))?.content.monitoring;
  const readings = await repo.readingsOf(q, release.id);
  return {
    indicators: (plan?.indicators ?? []).map((i) => ({
      ...i,
      query: i.query ?? null,
      unit: i.unit ?? null,
      threshold: i.threshold,
      thresholdText: thresholdText(i),
      readings: readings.filter((r) => r.indicatorKey === i.key),
    })),
    errorPatterns: plan?.errorPatterns ?? [],
    feedback: await repo.feedbackOf(q, release.id),
    complaintThreshold: rules.complaintThreshold,
    prometheus: !!deps.prometheusUrl,
  };
}

/**
 * IM-4: the scheduled reading of every plan indicator with a query, while the release runs.
 * An indicator that cannot be read leaves a warning in the release's log, not a silent gap.
 */
export function pollHandler(deps: MonitoringDeps, pollSeconds: number) {
  return {
    external: async (job: LeasedJob) => {
      const releaseId = String(job.payload.releaseId);
      const q = deps.db.kysely;
      const release = await findRelease(q, releaseId);
      if (!release || !WATCHED_STATES.includes(release.state) || !deps.prometheusUrl) return;
      const indicators = ((await approvedPlanOf(q, releaseId))?.content.monitoring?.indicators ?? []).filter(
        (i) => i.query,
      );
      const at = deps.clock.now();
      const values: { indicator: PlanIndicator; value: number | null; error: string | null }[] = [];
      for (const indicator of indicators) {
        try {
          const value = await readScalar(deps.prometheusUrl, indicator.query!);
          values.push(
            Number.isFinite(value)
              ? { indicator, value, error: null }
              : { indicator, value: null, error: `not a number: ${value}` },
          );
        } catch (error) {
          if (!(error instanceof PrometheusError)) throw error;
          values.push({ indicator, value: null, error: `${error.kind}: ${error.message}` });
        }
      }
      const ctx = systemContext(`job:${job.id}`);
      let raised = 0;
      await q.transaction().execute(async (trx) => {
        const current = await findRelease(trx, releaseId);
        if (!current || !WATCHED_STATES.includes(current.state)) return;
        const rules = await rulesOf(trx, current);
        for (const v of values) {
          if (v.value === null) {
            await repo.insertLogs(trx, current.id, [
              {
                at: at.toISOString(),
                level: 'warn',
                message: `indicator ${v.indicator.key} could not be read from Prometheus (${v.error})`,
                source: 'prometheus',
                stepIndex: null,
                flaggedPattern: null,
                recordedBy: SYSTEM,
              },
            ]);
            continue;
          }
          const outcome = await recordReadingIn(trx, deps, ctx, current, rules, v.indicator, {
            value: v.value,
            at: at.toISOString(),
            source: 'prometheus',
            recordedBy: SYSTEM,
          });
          if (outcome.trigger) raised++;
        }
        const next = new Date(at.getTime() + pollSeconds * 1000).toISOString();
        await enqueueJob(trx, {
          kind: MONITORING_POLL_JOB,
          key: `monitoring:${current.id}:${next}`,
          dueAt: next,
          payload: { releaseId: current.id },
        });
      });
      await publishChange(deps, release, raised ? 'trigger' : 'reading');
    },
  };
}
