import { systemContext } from '../context';
import type { AuditWriter } from '../modules/audit/audit.service';
import type { JobRunner } from './job.runner';

export const TEST_RECORD_JOB = 'test.record';

/**
 * Job kinds only for tests of the runner across processes (RELEASEGATE_TEST_JOB_KINDS=1): `test.record`
 * appends an audit event naming the job and the node that ran it, in the job's transaction.
 */
export function registerTestJobKinds(runner: JobRunner, audit: AuditWriter): void {
  runner.register(TEST_RECORD_JOB, {
    inTransaction: async (trx, job) => {
      await audit.record(trx, systemContext(), {
        action: 'job.test_record',
        entityType: 'job',
        entityId: job.id,
        details: { owner: runner.owner, attempt: job.attempts },
      });
    },
  });
}
