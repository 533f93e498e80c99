import type { Kysely, Selectable } from 'kysely';
import type { StepPhase, StepStatus } from '@releasegate/domain';
import type { Database, StepRunsTable } from '../../db/schema';

type Q = Kysely<Database>;

/** IM-2 / RB-3: one step of a phase as it ran (the latest attempt). */
export interface StepRunRecord {
  phase: StepPhase;
  stepIndex: number;
  planVersion: number;
  title: string;
  status: StepStatus;
  attempt: number;
  executor: string;
  startedAt: string;
  finishedAt: string | null;
  result: string | null;
  output: string | null;
}

const toRun = (r: Selectable<StepRunsTable>): StepRunRecord => ({
  phase: r.phase as StepPhase,
  stepIndex: r.step_index,
  planVersion: r.plan_version,
  title: r.title,
  status: r.status as StepStatus,
  attempt: r.attempt,
  executor: r.executor,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  result: r.result,
  output: r.output,
});

export async function stepRunsOf(q: Q, releaseId: string): Promise<StepRunRecord[]> {
  const rows = await q
    .selectFrom('step_runs')
    .selectAll()
    .where('release_id', '=', releaseId)
    .orderBy('phase')
    .orderBy('step_index')
    .execute();
  return rows.map(toRun);
}

export async function saveStepRun(q: Q, releaseId: string, run: StepRunRecord): Promise<void> {
  const row = {
    release_id: releaseId,
    phase: run.phase,
    step_index: run.stepIndex,
    plan_version: run.planVersion,
    title: run.title,
    status: run.status,
    attempt: run.attempt,
    executor: run.executor,
    started_at: run.startedAt,
    finished_at: run.finishedAt,
    result: run.result,
    output: run.output,
  };
  await q
    .insertInto('step_runs')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['release_id', 'phase', 'step_index']).doUpdateSet({
        status: row.status,
        attempt: row.attempt,
        executor: row.executor,
        started_at: row.started_at,
        finished_at: row.finished_at,
        result: row.result,
        output: row.output,
      }),
    )
    .execute();
}

/**
 * IM-7: remembers a pipeline report id; false when it was delivered before (the report then
 * counts once: the caller changes nothing).
 */
export async function rememberReport(
  q: Q,
  releaseId: string,
  reportId: string,
  at: string,
): Promise<boolean> {
  const result = await q
    .insertInto('execution_reports')
    .values({ release_id: releaseId, report_id: reportId, received_at: at })
    .onConflict((oc) => oc.columns(['release_id', 'report_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function reportSeen(q: Q, releaseId: string, reportId: string): Promise<boolean> {
  const row = await q
    .selectFrom('execution_reports')
    .select('report_id')
    .where('release_id', '=', releaseId)
    .where('report_id', '=', reportId)
    .executeTakeFirst();
  return !!row;
}
