import '../../i18n/zh.audit';
import { Link } from 'react-router';
import { Button, Flex, Spin, Timeline, Typography } from 'antd';
import { AuditOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../common/ErrorAlert';
import { useEntityAuditEvents } from '../audit/audit.api';
import { AuditTable } from '../audit/AuditTable';
import { auditActionLabel } from '../audit/auditText';
import type { TFunction } from 'i18next';
import type { ResponseOf } from '../../api/routes';
import { formatDateTime } from '../../common/format';
import { PersonName } from '../../common/people';
import { useReleaseActivity } from './releases.api';

/** 审计 (PR-3): the release's entries in the audit log for those who may read it; its activity for everyone else. */
export function AuditTab({ releaseId }: { releaseId: string }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const allowed = can('audit.read');
  const events = useEntityAuditEvents(releaseId, { enabled: allowed });
  if (!allowed) return <ActivityTimeline releaseId={releaseId} />;
  return (
    <>
      <Flex justify="space-between" align="center" gap={12} wrap style={{ marginBottom: 12 }}>
        <Typography.Text type="secondary">{t('releases.audit.help')}</Typography.Text>
        <Link to={`/audit?entityId=${encodeURIComponent(releaseId)}`}>
          <Button icon={<AuditOutlined />} data-testid="release-audit-link">
            {t('releases.audit.open')}
          </Button>
        </Link>
      </Flex>
      <ErrorAlert error={events.error} style={{ marginBottom: 12 }} />
      <AuditTable events={events.data?.items ?? []} loading={events.isFetching} />
    </>
  );
}

type Activity = ResponseOf<'/api/releases/{id}/activity'>['events'][number];

/** What an event was about, from the details the release's page may show. */
function activityDetail(t: TFunction, e: Activity): string {
  const d = e.details;
  const parts: string[] = [];
  if (typeof d.step === 'number')
    parts.push(t('releases.activity.step', { n: d.step, title: typeof d.title === 'string' ? d.title : '' }));
  if (typeof d.status === 'string')
    parts.push(t(`execution.impl.statuses.${d.status}`, { defaultValue: d.status }));
  if (typeof d.type === 'string') parts.push(t(`releases.types.${d.type}`, { defaultValue: d.type }));
  if (typeof d.decision === 'string')
    parts.push(t(`execution.rollback.decisions.${d.decision}`, { defaultValue: d.decision }));
  for (const key of ['reason', 'note'] as const)
    if (typeof d[key] === 'string' && d[key]) parts.push(String(d[key]));
  return parts.join(t('common.listSeparator'));
}

/**
 * PR-3 for the people of a release without the audit permission: its successful actions, who and
 * when. The audit log itself, refusals and hashes included, stays with the auditor.
 */
function ActivityTimeline({ releaseId }: { releaseId: string }) {
  const { t } = useTranslation();
  const activity = useReleaseActivity(releaseId);
  return (
    <>
      <Typography.Paragraph type="secondary">{t('releases.activity.help')}</Typography.Paragraph>
      <ErrorAlert error={activity.error} style={{ marginBottom: 12 }} />
      {activity.isPending ? (
        <Spin />
      ) : (
        <Timeline
          data-testid="release-activity"
          items={(activity.data?.events ?? []).map((e) => {
            const detail = activityDetail(t, e);
            return {
              key: e.seq,
              content: (
                <Flex vertical gap={2}>
                  <Flex gap={8} wrap align="baseline">
                    <Typography.Text strong>{auditActionLabel(t, e.action)}</Typography.Text>
                    <Typography.Text type="secondary">
                      {formatDateTime(e.at)} ·{' '}
                      {e.actor ? <PersonName username={e.actor} /> : t('audit.system')}
                    </Typography.Text>
                  </Flex>
                  {detail && <Typography.Text style={{ fontSize: 13 }}>{detail}</Typography.Text>}
                </Flex>
              ),
            };
          })}
        />
      )}
    </>
  );
}
