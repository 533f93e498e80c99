import { useState } from 'react';
import { Alert, Flex, Form, Input, Radio, Table, Tag, Typography } from 'antd';
import { StepAssignee } from '../plan/StepAssignee';
import { CheckOutlined, PlayCircleOutlined, RedoOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { ReleaseDetail } from '../../../api/types';
import { ErrorAlert } from '../../../common/ErrorAlert';
import { formatDateTime, formatDuration, formatTime } from '../../../common/format';
import { ActionButton } from '../ActionButton';
import { onlyStateBlocked, useReleaseActions } from '../releaseActions';
import { FormModal } from './FormModal';
import { useSubmit } from './useSubmit';
import {
  finishStep,
  startStep,
  type FinishStepInput,
  type PhaseStep,
  type PhaseView,
  type StepPhase,
} from './execution.api';
import { PersonName } from '../../../common/people';
import { textLimit } from '../../../common/textLimit';
import { useFeedback } from '../../../common/feedback';

type StepStatus = 'pending' | 'running' | 'succeeded' | 'failed';
const STATUS_COLORS: Record<StepStatus, string> = {
  pending: 'default',
  running: 'processing',
  succeeded: 'success',
  failed: 'error',
};

const statusOf = (s: PhaseStep): StepStatus => s.run?.status ?? 'pending';

export function StepStatusTag({ step }: { step: PhaseStep }) {
  const { t } = useTranslation();
  const status = statusOf(step);
  return (
    <Flex vertical gap={2}>
      <Tag color={STATUS_COLORS[status]} style={{ marginInlineEnd: 0, width: 'fit-content' }}>
        {t(`execution.impl.statuses.${status}`)}
      </Tag>
      {step.run && step.run.attempt > 1 && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('execution.impl.attempt', { n: step.run.attempt })}
        </Typography.Text>
      )}
    </Flex>
  );
}

/**
 * IM-2 / RB-3: the plan's steps with how each ran (executor, start, end, result, output), and the
 * buttons for the next one: start it, or finish the one running with its result and output.
 */
export function StepTable({
  release,
  phase,
  view,
  testId,
}: {
  release: ReleaseDetail;
  phase: StepPhase;
  view: PhaseView;
  testId: string;
}) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const { availability } = useReleaseActions();
  const action = phase === 'implementation' ? 'record_step' : 'record_rollback_step';
  const allowed = availability(action).allowed;
  const [finishing, setFinishing] = useState<PhaseStep | null>(null);
  const [starting, setStarting] = useState<number | null>(null);
  const { submit, failure } = useSubmit();
  const current = view.progress.current;

  const start = (step: PhaseStep) => {
    setStarting(step.index);
    void submit(
      () => startStep(release.id, phase, step.index),
      () => void message.success(t('execution.impl.stepStarted', { n: step.index + 1, title: step.title })),
    ).finally(() => setStarting(null));
  };

  const buttons = (step: PhaseStep) => {
    // Only the next step can be worked on (in plan order), and only while the phase runs.
    if (!current || current.index !== step.index || onlyStateBlocked(availability(action))) return null;
    const status = statusOf(step);
    if (status === 'running')
      return (
        <ActionButton
          action={action}
          type="primary"
          size="small"
          icon={<CheckOutlined />}
          onRun={() => setFinishing(step)}
          data-testid={`${testId}-finish-${step.index}`}
        >
          {t('execution.impl.finishStep')}
        </ActionButton>
      );
    return (
      <ActionButton
        action={action}
        type={status === 'failed' ? 'default' : 'primary'}
        size="small"
        icon={status === 'failed' ? <RedoOutlined /> : <PlayCircleOutlined />}
        loading={starting === step.index}
        onRun={() => start(step)}
        data-testid={`${testId}-start-${step.index}`}
      >
        {status === 'failed' ? t('execution.impl.retryStep') : t('execution.impl.startStep')}
      </ActionButton>
    );
  };

  return (
    <div data-testid={testId}>
      <ErrorAlert error={failure} style={{ marginBottom: 12 }} />
      <Table<PhaseStep>
        rowKey="index"
        size="small"
        pagination={false}
        dataSource={view.steps}
        locale={{ emptyText: t('execution.impl.noSteps') }}
        scroll={{ x: 860 }}
        onRow={(s) => ({
          'data-testid': `${testId}-row-${s.index}`,
          'data-status': statusOf(s),
          style:
            current?.index === s.index && (allowed || statusOf(s) === 'running')
              ? { background: statusOf(s) === 'failed' ? '#fff2f0' : '#f0f7ff' }
              : undefined,
        })}
        expandable={{
          rowExpandable: (s) => !!s.run?.output,
          expandedRowRender: (s) => (
            <pre
              style={{
                margin: 0,
                maxHeight: 320,
                overflow: 'auto',
                fontSize: 12,
                background: '#1f1f1f',
                color: '#e6e6e6',
                padding: 12,
                borderRadius: 6,
                whiteSpace: 'pre-wrap',
              }}
              data-testid={`${testId}-output-${s.index}`}
            >
              {s.run?.output}
            </pre>
          ),
        }}
        columns={[
          { key: 'no', title: t('execution.impl.no'), width: 56, render: (_, s) => s.index + 1 },
          {
            key: 'step',
            title: t('execution.impl.step'),
            width: 240,
            render: (_, s) => (
              <Flex vertical gap={2}>
                <Typography.Text strong>{s.title}</Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('execution.impl.verification')}
                  {t('common.colon')}
                  {s.verification}
                </Typography.Text>
              </Flex>
            ),
          },
          {
            key: 'owner',
            title: t('execution.impl.owner'),
            width: 100,
            render: (_, s) => (
              <Flex vertical gap={2} align="start">
                <span>{s.owner}</span>
                <StepAssignee username={s.assignee} />
                <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
                  {t('execution.impl.minutes', { minutes: s.expectedMinutes })}
                </Typography.Text>
              </Flex>
            ),
          },
          {
            key: 'status',
            title: t('execution.impl.status'),
            width: 96,
            render: (_, s) => <StepStatusTag step={s} />,
          },
          {
            key: 'run',
            title: t('execution.impl.executor'),
            width: 140,
            render: (_, s) =>
              s.run ? (
                <Flex vertical gap={2}>
                  <PersonName username={s.run.executor} />
                  <Typography.Text
                    type="secondary"
                    style={{ fontSize: 12, whiteSpace: 'nowrap' }}
                    title={`${formatDateTime(s.run.startedAt)} – ${formatDateTime(s.run.finishedAt)}`}
                  >
                    {formatTime(s.run.startedAt)} – {s.run.finishedAt ? formatTime(s.run.finishedAt) : '…'}
                  </Typography.Text>
                  {s.run.finishedAt && (
                    <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
                      {t('execution.impl.took', {
                        duration: formatDuration(
                          t,
                          (Date.parse(s.run.finishedAt) - Date.parse(s.run.startedAt)) / 1000,
                        ),
                      })}
                    </Typography.Text>
                  )}
                </Flex>
              ) : (
                '—'
              ),
          },
          {
            key: 'result',
            title: t('execution.impl.result'),
            render: (_, s) =>
              s.run?.result ? (
                <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }} ellipsis={{ rows: 3 }}>
                  {s.run.result}
                </Typography.Paragraph>
              ) : (
                '—'
              ),
          },
          { key: 'actions', title: '', width: 104, render: (_, s) => buttons(s) },
        ]}
      />
      {finishing && (
        <FinishStepModal
          release={release}
          phase={phase}
          step={finishing}
          onClose={() => setFinishing(null)}
          testId={`${testId}-finish-modal`}
        />
      )}
    </div>
  );
}

/** Ends the running step with its outcome, result and output (IM-2 / RB-3). */
function FinishStepModal({
  release,
  phase,
  step,
  onClose,
  testId,
}: {
  release: ReleaseDetail;
  phase: StepPhase;
  step: PhaseStep;
  onClose: () => void;
  testId: string;
}) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const [form] = Form.useForm<FinishStepInput>();
  const { submit, failure, pending } = useSubmit(form);
  const status = Form.useWatch('status', form);

  const finish = (values: FinishStepInput) =>
    submit(
      () =>
        finishStep(release.id, phase, step.index, {
          status: values.status,
          result: values.result?.trim() || null,
          output: values.output?.trim() ? values.output : null,
        }),
      () => {
        void message.success(
          t('execution.impl.stepFinished', {
            n: step.index + 1,
            title: step.title,
            status: t(`execution.impl.statuses.${values.status}`),
          }),
        );
        onClose();
      },
    );

  return (
    <FormModal
      width={640}
      title={t('execution.impl.finishTitle', { n: step.index + 1, title: step.title })}
      okText={t('execution.impl.finishStep')}
      danger={status === 'failed'}
      pending={pending}
      failure={failure}
      onOk={() => form.submit()}
      onClose={onClose}
      testId={testId}
    >
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title={`${t('execution.impl.verification')}${t('common.colon')}${step.verification}`}
      />
      <Form<FinishStepInput>
        form={form}
        name={`finish-${phase}`}
        layout="vertical"
        initialValues={{ status: 'succeeded' }}
        onFinish={(v) => void finish(v)}
      >
        <Form.Item name="status" label={t('execution.impl.outcome')}>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={(['succeeded', 'failed'] as const).map((s) => ({
              value: s,
              label: t(`execution.impl.statuses.${s}`),
            }))}
          />
        </Form.Item>
        <Form.Item name="result" label={t('execution.impl.resultText')}>
          <Input.TextArea
            autoSize={{ minRows: 2, maxRows: 5 }}
            count={textLimit(4000)}
            placeholder={t('execution.impl.resultPlaceholder')}
          />
        </Form.Item>
        <Form.Item name="output" label={t('execution.impl.output')} style={{ marginBottom: 0 }}>
          <Input.TextArea
            autoSize={{ minRows: 3, maxRows: 10 }}
            count={textLimit(65_536)}
            placeholder={t('execution.impl.outputPlaceholder')}
            style={{ fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', fontSize: 12 }}
          />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
