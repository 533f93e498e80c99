import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Empty,
  Flex,
  Form,
  Input,
  Select,
  Spin,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { usePhone } from '../../../common/usePhone';
import { BeijingDatePicker } from '../../../common/beijingPickers';
import type { Dayjs } from 'dayjs';
import {
  AlertOutlined,
  CheckCircleFilled,
  CloseCircleFilled,
  SafetyCertificateOutlined,
} from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { ReleaseDetail } from '../../../api/types';
import { ErrorAlert } from '../../../common/ErrorAlert';
import { formatDateTime, fromPickerTime } from '../../../common/format';
import { ReasonModal } from '../../../common/ReasonModal';
import { ActionButton } from '../ActionButton';
import { useCiLookup } from '../CiLinks';
import { useReleaseActions } from '../releaseActions';
import { useReleasePolicy } from '../useReleasePolicy';
import { releasesQueryKey, usePlans } from '../releases.api';
import { FormModal } from './FormModal';
import { useSubmit } from './useSubmit';
import { ActionBlockers } from './ActionBlockers';
import {
  TRIGGER_KINDS,
  decideTrigger,
  raiseTrigger,
  verifyRestoration,
  type ProblemRecord,
  type RestorationCheck,
  type RestorationItem,
  type Trigger,
  type TriggerInput,
  useProgress,
  useRollback,
} from './execution.api';
import { PersonName, usePeople } from '../../../common/people';
import {
  courseColor,
  courseText,
  problemTitleText,
  restorationDifferences,
  changedElsewhereText,
  triggerEvidenceText,
  triggerKindText,
  when,
} from './executionText';
import { ProgressHeader } from './ProgressHeader';
import { StepTable } from './StepTable';
import { TriggerClock } from './TriggerClock';
import { TriggerList } from './TriggerList';
import { DecisionButton } from './DecisionButton';
import { useNow } from './useNow';
import { PostReleaseQuery } from '../postrelease/PostReleaseQuery';
import { ReviewCard } from '../postrelease/ReviewCard';
import { textLimit } from '../../../common/textLimit';
import { useFormGuard } from '../../../common/useUnsavedChangesGuard';

const ROLLBACK_STATES: readonly string[] = ['rolling_back', 'rolled_back'];
const KIND_COLORS: Record<string, string> = {
  function_unusable: 'red',
  performance: 'orange',
  data: 'magenta',
  complaints: 'gold',
};

/**
 * 回退: rollback triggers with their decision clocks and decisions (RB-1, RB-2), the rollback
 * steps in order (RB-3), the restoration check against the baseline (RB-4) and the problem
 * record (RB-5).
 */
export function RollbackTab({ release }: { release: ReleaseDetail }) {
  const { t } = useTranslation();
  const rollback = useRollback(release.id);
  const progress = useProgress(release.id);
  if (rollback.isPending || progress.isPending) return <Spin />;
  if (rollback.error || progress.error) return <ErrorAlert error={rollback.error ?? progress.error} />;
  const r = rollback.data;
  const p = progress.data;
  const rollingBack =
    ROLLBACK_STATES.includes(release.state) ||
    release.outcome === 'rolled_back' ||
    release.outcome === 'failed' ||
    p.rollback.progress.startedAt !== null;

  return (
    <div data-testid="rollback-tab">
      <TriggersCard release={release} triggers={r.triggers} serverNow={r.now} />
      {rollingBack && (
        <>
          <ProgressHeader
            title={t('execution.impl.rollbackStepsTitle')}
            view={p.rollback}
            progress={p}
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
            <StepTable release={release} phase="rollback" view={p.rollback} testId="rollback-steps" />
          </Card>
          <RestorationCard release={release} checks={r.restorationChecks} />
          {/* TY-4: a failed rollback closes the release, so an emergency one is reviewed first. */}
          {release.type === 'emergency' && release.state === 'rolling_back' && (
            <PostReleaseQuery releaseId={release.id}>
              {(data) => <ReviewCard release={release} review={data.review} />}
            </PostReleaseQuery>
          )}
        </>
      )}
      {(rollingBack || r.problems.length > 0) && (
        <ProblemCard problems={r.problems} subject={`${release.number} ${release.title}`} />
      )}
    </div>
  );
}

function TriggersCard({
  release,
  triggers,
  serverNow,
}: {
  release: ReleaseDetail;
  triggers: Trigger[];
  serverNow: string;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [raising, setRaising] = useState(false);
  const [deciding, setDeciding] = useState<{ trigger: Trigger; decision: 'rollback' | 'continue' } | null>(
    null,
  );
  const now = useNow(1000, serverNow);
  const narrow = usePhone();
  const minutes = useReleasePolicy(release).data?.document.rules.deadlines.rollbackDecisionMinutes;
  const sorted = [...triggers].sort(
    (a, b) => Number(!!a.decision) - Number(!!b.decision) || b.discoveredAt.localeCompare(a.discoveredAt),
  );

  const decide = async (trigger: Trigger, decision: 'rollback' | 'continue', reason: string) => {
    try {
      await decideTrigger(release.id, trigger.id, decision, reason || null);
      void message.success(
        decision === 'rollback'
          ? t('execution.rollback.decidedRollback')
          : t('execution.rollback.decidedContinue'),
      );
    } finally {
      void queryClient.invalidateQueries({ queryKey: releasesQueryKey });
    }
  };

  return (
    <Card
      size="small"
      title={t('execution.rollback.triggersTitle')}
      extra={
        <ActionButton
          action="raise_trigger"
          size="small"
          danger
          icon={<AlertOutlined />}
          onRun={() => setRaising(true)}
          data-testid="trigger-raise"
        >
          {t('execution.rollback.raise')}
        </ActionButton>
      }
      style={{ marginBottom: 16 }}
      data-testid="triggers-card"
    >
      <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
        {minutes
          ? t('execution.rollback.triggersHelp', { minutes })
          : t('execution.rollback.triggersHelpNoMinutes')}
      </Typography.Paragraph>
      {/* Why a waiting trigger cannot be decided by this user; nothing to say when none waits. */}
      {sorted.some((x) => !x.decision) && <ActionBlockers action="decide_rollback" roleToo />}
      {narrow ? (
        <TriggerList
          releaseId={release.id}
          triggers={sorted}
          now={now}
          kindColors={KIND_COLORS}
          onDecide={(trigger, decision) => setDeciding({ trigger, decision })}
        />
      ) : (
        <Table<Trigger>
          rowKey="id"
          size="middle"
          pagination={false}
          dataSource={sorted}
          locale={{ emptyText: t('execution.rollback.noTriggers') }}
          scroll={{ x: 'max-content' }}
          data-testid="triggers-table"
          onRow={(x) =>
            ({
              'data-testid': `trigger-row-${x.id}`,
              style: x.decision ? undefined : { background: '#fff7e6' },
            }) as React.HTMLAttributes<HTMLElement>
          }
          columns={[
            {
              key: 'kind',
              title: t('execution.rollback.kind'),
              width: 150,
              render: (_, x) => (
                <Flex vertical gap={2}>
                  <Tag color={KIND_COLORS[x.kind]} style={{ marginInlineEnd: 0, width: 'fit-content' }}>
                    {triggerKindText(t, x.kind)}
                  </Tag>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t(`execution.rollback.sources.${x.source}`)} · <PersonName username={x.raisedBy} />
                  </Typography.Text>
                </Flex>
              ),
            },
            {
              key: 'summary',
              title: t('execution.rollback.summary'),
              width: 320,
              render: (_, x) => (
                <Flex vertical gap={2}>
                  <Typography.Text strong>{x.summary}</Typography.Text>
                  {x.evidence && (
                    <Typography.Paragraph
                      type="secondary"
                      style={{ margin: 0, fontSize: 12, whiteSpace: 'pre-wrap' }}
                      ellipsis={{ rows: 2, expandable: true }}
                    >
                      {t('execution.rollback.evidence')}
                      {t('common.colon')}
                      {triggerEvidenceText(t, x)}
                    </Typography.Paragraph>
                  )}
                </Flex>
              ),
            },
            {
              key: 'discovered',
              title: t('execution.rollback.discoveredAt'),
              width: 170,
              render: (_, x) => formatDateTime(x.discoveredAt),
            },
            {
              // Undecided: the countdown and the two decisions; decided: what, by whom, when.
              key: 'decide',
              title: t('execution.rollback.decision'),
              width: 280,
              render: (_, x) => (
                <Flex vertical gap={8}>
                  <TriggerClock trigger={x} now={now} />
                  {!x.decision && (
                    <Flex gap={8} wrap>
                      <DecisionButton
                        trigger={x}
                        decision="rollback"
                        onRun={() => setDeciding({ trigger: x, decision: 'rollback' })}
                      />
                      <DecisionButton
                        trigger={x}
                        decision="continue"
                        onRun={() => setDeciding({ trigger: x, decision: 'continue' })}
                      />
                    </Flex>
                  )}
                </Flex>
              ),
            },
          ]}
        />
      )}
      {raising && <RaiseTriggerModal release={release} onClose={() => setRaising(false)} />}
      {deciding && (
        <ReasonModal
          title={t(
            deciding.decision === 'rollback'
              ? 'execution.rollback.decideRollbackTitle'
              : 'execution.rollback.decideContinueTitle',
            { summary: deciding.trigger.summary },
          )}
          warning={t(
            deciding.decision === 'rollback'
              ? 'execution.rollback.decideRollbackWarning'
              : 'execution.rollback.decideContinueWarning',
          )}
          okText={t(`execution.rollback.decisions.${deciding.decision}`)}
          label={t('execution.rollback.reason')}
          danger={deciding.decision === 'rollback'}
          onClose={() => setDeciding(null)}
          onSubmit={(reason) => decide(deciding.trigger, deciding.decision, reason)}
          testId={`decide-${deciding.decision}-modal`}
        />
      )}
    </Card>
  );
}

interface RaiseValues {
  kind: TriggerInput['kind'];
  summary: string;
  evidence?: string;
  discoveredAt?: Dayjs | null;
}

function RaiseTriggerModal({ release, onClose }: { release: ReleaseDetail; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<RaiseValues>();
  const guard = useFormGuard();
  const { submit, failure, pending } = useSubmit(form);

  const raise = (v: RaiseValues) =>
    submit(
      () =>
        raiseTrigger(release.id, {
          kind: v.kind,
          summary: v.summary?.trim() ?? '',
          evidence: v.evidence?.trim() || null,
          discoveredAt: v.discoveredAt ? fromPickerTime(v.discoveredAt) : null,
        }),
      (trigger) => {
        void message.warning(t('execution.rollback.raised', { due: formatDateTime(trigger.decisionDueAt) }));
        guard.saved();
        onClose();
      },
    );

  return (
    <FormModal
      title={t('execution.rollback.raiseTitle')}
      okText={t('execution.rollback.raise')}
      danger
      pending={pending}
      failure={failure}
      onOk={() => form.submit()}
      onClose={onClose}
      testId="trigger-modal"
    >
      <Form<RaiseValues>
        form={form}
        name="trigger"
        layout="vertical"
        initialValues={{ kind: 'function_unusable' }}
        onFinish={(v) => void raise(v)}
        onValuesChange={guard.touched}
      >
        <Form.Item name="kind" label={t('execution.rollback.kind')}>
          <Select
            options={TRIGGER_KINDS.map((k) => ({ value: k, label: triggerKindText(t, k) }))}
            data-testid="trigger-kind"
          />
        </Form.Item>
        <Form.Item name="summary" label={t('execution.rollback.summary')}>
          <Input count={textLimit(1000)} placeholder={t('execution.rollback.summaryPlaceholder')} />
        </Form.Item>
        <Form.Item name="evidence" label={t('execution.rollback.evidence')}>
          <Input.TextArea
            autoSize={{ minRows: 3, maxRows: 8 }}
            count={textLimit(8000)}
            placeholder={t('execution.rollback.evidencePlaceholder')}
          />
        </Form.Item>
        <Form.Item
          name="discoveredAt"
          label={t('execution.rollback.discoveredAt')}
          extra={t('execution.rollback.discoveredHelp')}
          style={{ marginBottom: 0 }}
        >
          <BeijingDatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
        </Form.Item>
      </Form>
    </FormModal>
  );
}

/** RB-4: the deployed versions observed, compared with the baseline and the CMDB by the server. */
function RestorationCard({ release, checks }: { release: ReleaseDetail; checks: RestorationCheck[] }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
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
              <Table
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
          <Table<RestorationItem>
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

/** RB-5: the problem record: the reason and the course of the rollback, step by step. */
function ProblemCard({ problems, subject }: { problems: ProblemRecord[]; subject: string }) {
  const { t } = useTranslation();
  const nameOf = usePeople();
  return (
    <Card size="small" title={t('execution.rollback.problemTitle')} data-testid="problem-card">
      {problems.length === 0 ? (
        <Typography.Text type="secondary">{t('execution.rollback.problemPending')}</Typography.Text>
      ) : (
        problems.map((p) => (
          <div key={p.id} data-testid={`problem-${p.number}`} style={{ marginBottom: 8 }}>
            <Flex gap={8} align="center" style={{ marginBottom: 8 }} wrap>
              <Typography.Text strong className="rg-mono" style={{ fontSize: 16 }}>
                {p.number}
              </Typography.Text>
              <Typography.Text strong>{problemTitleText(t, p, subject)}</Typography.Text>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('execution.rollback.problemCreated', { by: nameOf(p.createdBy), at: when(p.createdAt) })}
              </Typography.Text>
            </Flex>
            <Descriptions
              size="small"
              column={1}
              bordered
              items={[
                {
                  key: 'reason',
                  label: t('execution.rollback.problemReason'),
                  children: <span style={{ whiteSpace: 'pre-wrap' }}>{p.reason}</span>,
                },
                {
                  key: 'course',
                  label: t('execution.rollback.problemCourse'),
                  children: (
                    <Timeline
                      style={{ marginTop: 8, marginBottom: 0 }}
                      items={p.course.map((c, i) => ({
                        key: i,
                        color: courseColor(c),
                        content: (
                          <Flex vertical>
                            <Typography.Text>{courseText(t, c)}</Typography.Text>
                            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                              {formatDateTime(c.at)}
                              {c.actor ? ` · ${nameOf(c.actor)}` : ''}
                            </Typography.Text>
                          </Flex>
                        ),
                      }))}
                    />
                  ),
                },
              ]}
            />
          </div>
        ))
      )}
    </Card>
  );
}
