import type { Kysely } from 'kysely';
import type { Clock } from '@releasegate/domain';
import type { Database } from '../../db/schema';
import { notify, todoKey } from '../notifications';
import type { DslVersion } from './dsl.repository';

/**
 * a software-library version whose content is complete (uploaded, or registered as an
 * external reference) awaits approval (DS-1): every operations manager is asked, except the one
 * who registered or uploaded it. In the transaction that made it pending.
 */
export async function announcePendingVersion(
  trx: Kysely<Database>,
  clock: Clock,
  version: DslVersion,
  actor: { userId: string; displayName: string },
): Promise<void> {
  const name = `${version.name} ${version.version}`;
  await notify(trx, clock, {
    kind: 'approval_waiting',
    link: `/dsl/versions/${version.id}`,
    title: { zh: `最终软件库：${name} 待审批`, en: `Software library: ${name} awaits approval` },
    body: {
      zh: `${actor.displayName} 已${version.kind === 'external' ? '登记外部制品' : '上传内容'}，请核对后批准或驳回。`,
      en: `${actor.displayName} ${version.kind === 'external' ? 'registered an external artifact' : 'uploaded the content'}: check it, then approve or reject it.`,
    },
    audience: { roles: ['operations_manager'], exceptUserIds: [actor.userId] },
    todo: { key: todoKey('dsl_version', version.id, 'approve_dsl_version') },
    card: { op: 'dsl', versionId: version.id },
  });
}
