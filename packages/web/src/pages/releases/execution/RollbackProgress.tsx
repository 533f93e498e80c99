import { Alert, Button, Card, Empty, Flex, Form, Input, Tag, Typography } from 'antd';
import { CheckCircleFilled, CloseCircleFilled, SafetyCertificateOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { ReleaseDetail } from '../../../api/types';
import { ErrorAlert } from '../../../common/ErrorAlert';
import { PhoneTable } from '../../../common/PhoneTable';
import { formatDateTime } from '../../../common/format';
import { textLimit } from '../../../common/textLimit';
import { ActionButton } from '../ActionButton';
import { useCiLookup } from '../CiLinks';
import { useReleaseActions } from '../releaseActions';
import { usePlans } from '../releases.api';
import { PostReleaseQuery } from '../postrelease/PostReleaseQuery';
import { ReviewCard } from '../postrelease/ReviewCard';
import { ActionBlockers } from './ActionBlockers';
import {
  verifyRestoration,
  type ProgressView,
  type RestorationCheck,
  type RestorationItem,
} from './execution.api';
import { changedElsewhereText, restorationDifferences } from './executionText';
import { ProgressHeader } from './ProgressHeader';
import { StepTable } from './StepTable';
import { useSubmit } from './useSubmit';
import { useFeedback } from '../../../common/feedback';

/**
 * The rollback under way or done: its steps in order (RB-3), the restoration check against the
 * baseline (RB-4) and, for an emergency release, its review (TY-4). Fetched only once a rollback
 * started (issue #18: the decision itself needs none of its tables and forms).
 */
export function RollbackProgress({
  release,
  progress,
  checks,
}: {
  release: ReleaseDetail;
  progress: ProgressView;
  checks: RestorationCheck[];
}) {
  const { t } = useTranslation();
  return (
    <>
      <ProgressHeader
        title={t('execution.impl.rollbackStepsTitle')}
        view={progress.rollback}
        progress={progress}
        testId="rollback-progress"
        extra={
          release.state === 'rolling_back' && (
            <Flex gap={8}>
              <ActionButton action="fail_rollback" />
              <ActionButton action="complete_rollback" />
            </Flex>
          )
        }
      />
      {release.state === 'rolling_back' && (
        <>
          <ActionBlockers action="record_rollback_step" />
          <ActionBlockers action="complete_rollback" />
          <ActionBlockers action="fail_rollback" />
        </>
      )}
      <Card size="small" style={{ marginBottom: 16 }}>
        <StepTable release={release} phase="rollback" view={progress.rollback} testId="rollback-steps" />
      </Card>
      <RestorationCard release={release} checks={checks} />
      {/* TY-4: a failed rollback closes the release, so an emergency one is reviewed first. */}
      {release.type === 'emergency' && release.state === 'rolling_back' && (
        <PostReleaseQuery releaseId={release.id}>
          {(data) => <ReviewCard release={release} review={data.review} />}
        </PostReleaseQuery>
      )}
    </>
  );
}

/** RB-4: the deployed versions observed, compared with the baseline and the CMDB by the server. */
function RestorationCard({ release, checks }: { release: ReleaseDetail; checks: RestorationCheck[] }) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const { availability } = useReleaseActions();
  const plans = usePlans(release.id);
  const targets = plans.data?.find((p) => p.status === 'approved')?.content.baseline?.targets ?? [];
  const cis = useCiLookup(targets.map((x) => x.ciId));
  const [form] = Form.useForm<{ observed: Record<string, string | undefined> }>();
  const { submit, failure, pending } = useSubmit(form);
  const latest = [...checks].sort((a, b) => b.seq - a.seq)[0];
  const canVerify = release.state === 'rolling_back' && availability('verify_restoration').allowed;

  const verify = (v: { observed: Record<string, string | undefined> }) =>
    submit(
      () =>
        verifyRestoration(
          release.id,
          targets.map((x) => ({ ciId: x.ciId, version: v.observed?.[x.ciId]?.trim() || null })),
        ),
      (result) => {
        const differ = result.items.filter((i) => !i.ok).length;
        if (result.ok) void message.success(t('execution.rollback.verified'));
        else void message.warning(t('execution.rollback.notVerified', { count: differ }));
      },
    );

  return (
    <Card
      size="small"
      title={t('execution.rollback.restorationTitle')}
      style={{ marginBottom: 16 }}
      data-testid="restoration-card"
      extra={
        latest && (
          <Tag
            color={latest.ok ? 'success' : 'error'}
            icon={latest.ok ? <CheckCircleFilled /> : <CloseCircleFilled />}
            style={{ marginInlineEnd: 0 }}
            data-testid="restoration-status"
          >
            {latest.ok
              ? t('execution.rollback.verified')
              : t('execution.rollback.notVerified', { count: latest.items.filter((i) => !i.ok).length })}
          </Tag>
        )
      }
    >
      {canVerify && (
        <>
          <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
            {t('execution.rollback.restorationHelp')}
          </Typography.Paragraph>
          <ErrorAlert error={failure} style={{ marginBottom: 12 }} />
          {targets.length === 0 ? (
            <Alert type="warning" showIcon title={t('execution.rollback.noTargets')} />
          ) : (
            <Form form={form} name="restoration" onFinish={(v) => void verify(v)}>
              <PhoneTable
                rowKey="ciId"
                size="small"
                pagination={false}
                dataSource={targets}
                data-testid="restoration-form"
                columns={[
                  {
                    key: 'ci',
                    title: t('execution.rollback.ci'),
                    render: (_, x) => cis.byId.get(x.ciId)?.name ?? x.ciId.slice(0, 8),
                  },
                  {
                    key: 'expected',
                    title: t('execution.rollback.expected'),
                    width: 160,
                    render: (_, x) => <span className="rg-mono">{x.currentVersion ?? '—'}</span>,
                  },
                  {
                    key: 'observed',
                    title: t('execution.rollback.observed'),
                    width: 220,
                    render: (_, x) => (
                      <Form.Item name={['observed', x.ciId]} style={{ marginBottom: 0 }}>
                        <Input
                          count={textLimit(100)}
                          aria-label={`${t('execution.rollback.observed')} ${cis.byId.get(x.ciId)?.name ?? x.ciId}`}
                        />
                      </Form.Item>
                    ),
                  },
                ]}
              />
              <Flex justify="flex-end" style={{ marginTop: 12 }}>
                <Button
                  type="primary"
                  htmlType="submit"
                  icon={<SafetyCertificateOutlined />}
                  loading={pending}
                  data-testid="restoration-submit"
                >
                  {t('execution.rollback.verify')}
                </Button>
              </Flex>
            </Form>
          )}
        </>
      )}
      {latest ? (
        <div style={{ marginTop: canVerify ? 16 : 0 }}>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('execution.rollback.latestCheck', { actor: latest.actor, at: formatDateTime(latest.at) })}
          </Typography.Text>
          <PhoneTable<RestorationItem>
            rowKey="ciId"
            size="small"
            pagination={false}
            dataSource={latest.items}
            style={{ marginTop: 8 }}
            data-testid="restoration-result"
            columns={[
              { key: 'ci', title: t('execution.rollback.ci'), dataIndex: 'ciName' },
              {
                key: 'expected',
                title: t('execution.rollback.expected'),
                render: (_, i) => <span className="rg-mono">{i.expectedVersion ?? '—'}</span>,
              },
              {
                key: 'cmdb',
                title: t('execution.rollback.cmdb'),
                render: (_, i) => <span className="rg-mono">{i.cmdbVersion ?? '—'}</span>,
              },
              {
                key: 'observed',
                title: t('execution.rollback.observed'),
                render: (_, i) => <span className="rg-mono">{i.observedVersion ?? '—'}</span>,
              },
              {
                key: 'differences',
                title: t('execution.rollback.differences'),
                render: (_, i) =>
                  i.ok ? (
                    <Flex vertical gap={2} align="flex-start">
                      <Tag color="success" icon={<CheckCircleFilled />}>
                        {t('execution.rollback.consistent')}
                      </Tag>
                      {(i.changedElsewhere ?? []).length > 0 && (
                        <Typography.Text
                          type="secondary"
                          style={{ fontSize: 12 }}
                          data-testid="changed-elsewhere"
                        >
                          {t('execution.rollback.changedElsewhere')}
                          {t('common.colon')}
                          {changedElsewhereText(t, i).join(t('common.listSeparator'))}
                        </Typography.Text>
                      )}
                    </Flex>
                  ) : (
                    <Flex vertical gap={2}>
                      {restorationDifferences(t, i).map((d, n) => (
                        <Typography.Text key={n} type="danger" style={{ fontSize: 12 }}>
                          {d}
                        </Typography.Text>
                      ))}
                    </Flex>
                  ),
              },
            ]}
          />
        </div>
      ) : (
        !canVerify && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
      )}
    </Card>
  );
}
