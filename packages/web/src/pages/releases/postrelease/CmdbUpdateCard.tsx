import { useState } from 'react';
import { Link } from 'react-router';
import { Alert, Card, Descriptions, Flex, Form, Input, Table, Tag, Typography } from 'antd';
import {
  ArrowRightOutlined,
  CheckCircleFilled,
  ClockCircleOutlined,
  ExclamationCircleFilled,
} from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { usePeople } from '../../../common/people';
import type { ReleaseDetail } from '../../../api/types';
import { useAuth } from '../../../auth/AuthContext';
import { formatMinute } from '../../../common/format';
import { cmdbQueryKey } from '../../cmdb/cmdb.api';
import { ActionButton } from '../ActionButton';
import { useCiLookup } from '../CiLinks';
import { clockText } from '../execution/executionText';
import { FormModal } from '../execution/FormModal';
import { useNow } from '../execution/useNow';
import { useSubmit } from '../execution/useSubmit';
import { referencesQueryKey, usePlans } from '../releases.api';
import { completeCmdbUpdate, type AppliedChange, type CmdbTask } from './postrelease.api';
import { textLimit } from '../../../common/textLimit';
import { useFeedback } from '../../../common/feedback';

/** Less than this left: the countdown turns orange. */
const NEAR_MS = 2 * 3_600_000;

interface TargetRow {
  ciId: string;
  name: string;
  current: string | null;
  target: string;
}

/** The plan's target versions against what the CMDB holds now. */
function usePlanTargets(release: ReleaseDetail): { rows: TargetRow[]; loading: boolean } {
  const plans = usePlans(release.id);
  const approved =
    plans.data?.find((p) => p.status === 'approved') ??
    plans.data?.find((p) => p.version === release.plan?.version);
  const targets = approved?.content.baseline?.targets ?? [];
  // The CMDB's current version from the release's references; the plan's record while they load.
  const cis = useCiLookup(targets.map((x) => x.ciId));
  return {
    loading: plans.isPending || cis.loading,
    rows: targets.map((x) => {
      const ci = cis.byId.get(x.ciId);
      return {
        ciId: x.ciId,
        name: ci?.name ?? x.ciId.slice(0, 8),
        current: ci ? ci.version : (x.currentVersion ?? null),
        target: x.targetVersion,
      };
    }),
  };
}

/** The CI by name, a link to its page for those who may read the CMDB. */
function CiName({ id, name }: { id: string; name: string }) {
  const { can } = useAuth();
  return can('cmdb.read') ? <Link to={`/cmdb/cis/${id}`}>{name}</Link> : <span>{name}</span>;
}
const version = (v: string | null) => <span className="rg-mono">{v ?? '—'}</span>;

/** PO-2: a live countdown to the deadline, 已超期 after it; on time or late once done. */
function Deadline({ task, now }: { task: CmdbTask; now: number }) {
  const { t } = useTranslation();
  const c = 'postrelease.cmdb';
  if (task.doneAt) {
    const late = task.doneAt > task.dueAt;
    return (
      <Tag
        color={late ? 'warning' : 'success'}
        icon={late ? <ExclamationCircleFilled /> : <CheckCircleFilled />}
        data-testid="cmdb-done"
      >
        {t(late ? `${c}.late` : `${c}.onTime`)}
      </Tag>
    );
  }
  const left = Date.parse(task.dueAt) - now;
  if (task.overdue || left <= 0)
    return (
      <Tag color="error" icon={<ExclamationCircleFilled />} data-testid="cmdb-overdue">
        {t(`${c}.overdue`)}
      </Tag>
    );
  return (
    <Flex gap={6} align="baseline">
      <Typography.Text type="secondary">{t(`${c}.left`)}</Typography.Text>
      <span
        className="rg-mono"
        data-testid="cmdb-countdown"
        style={{ fontSize: 20, fontWeight: 600, color: left < NEAR_MS ? '#d46b08' : '#1677ff' }}
      >
        <ClockCircleOutlined style={{ fontSize: 15, marginInlineEnd: 6 }} />
        {clockText(left)}
      </span>
    </Flex>
  );
}

/**
 * PO-2 更新 CMDB: the task due the policy's hours after implementation, with a live countdown or
 * 已超期; the plan's target versions against the CMDB; completing it applies them; then what was applied.
 */
export function CmdbUpdateCard({
  release,
  task,
  serverNow,
}: {
  release: ReleaseDetail;
  task: CmdbTask | null;
  serverNow: string;
}) {
  const { t } = useTranslation();
  const nameOf = usePeople();
  const now = useNow(1000, serverNow);
  const targets = usePlanTargets(release);
  const [completing, setCompleting] = useState(false);
  const c = 'postrelease.cmdb';
  const hours = task ? Math.round((Date.parse(task.dueAt) - Date.parse(task.openedAt)) / 3_600_000) : 24;

  return (
    <Card
      size="small"
      title={t(`${c}.title`)}
      style={{ height: '100%' }}
      data-testid="cmdb-card"
      extra={task && <Deadline task={task} now={now} />}
    >
      <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
        {t(`${c}.help`, { hours })}
      </Typography.Paragraph>
      {!task ? (
        <Alert type="info" showIcon title={t(`${c}.noTask`)} />
      ) : (
        <>
          <Descriptions
            size="small"
            column={{ xs: 1, md: 2 }}
            style={{ marginBottom: 12 }}
            items={[
              { key: 'due', label: t(`${c}.due`), children: formatMinute(task.dueAt) },
              { key: 'opened', label: t(`${c}.opened`), children: formatMinute(task.openedAt) },
              ...(task.doneAt
                ? [
                    {
                      key: 'done',
                      label: t(`${c}.status`),
                      span: 2,
                      children: t(`${c}.doneBy`, {
                        by: nameOf(task.doneBy) || '—',
                        at: formatMinute(task.doneAt),
                      }),
                    },
                  ]
                : []),
            ]}
          />
          {task.applied ? (
            <AppliedTable applied={task.applied} />
          ) : (
            <>
              <Table<TargetRow>
                rowKey="ciId"
                size="small"
                pagination={false}
                loading={targets.loading}
                dataSource={targets.rows}
                locale={{ emptyText: t(`${c}.noTargets`) }}
                title={() => <Typography.Text strong>{t(`${c}.targets`)}</Typography.Text>}
                data-testid="cmdb-targets"
                columns={[
                  { key: 'ci', title: t(`${c}.ci`), render: (_, r) => <CiName id={r.ciId} name={r.name} /> },
                  { key: 'current', title: t(`${c}.current`), render: (_, r) => version(r.current) },
                  {
                    key: 'arrow',
                    width: 32,
                    render: () => <ArrowRightOutlined style={{ color: '#8c8c8c' }} />,
                  },
                  { key: 'target', title: t(`${c}.target`), render: (_, r) => version(r.target) },
                  {
                    key: 'status',
                    title: t(`${c}.status`),
                    width: 90,
                    render: (_, r) =>
                      r.current === r.target ? (
                        <Tag color="success">{t(`${c}.same`)}</Tag>
                      ) : (
                        <Tag color="processing">{t(`${c}.pending`)}</Tag>
                      ),
                  },
                ]}
              />
              <Flex justify="flex-end" style={{ marginTop: 12 }}>
                <ActionButton
                  action="complete_cmdb_update"
                  type="primary"
                  onRun={() => setCompleting(true)}
                  data-testid="cmdb-complete"
                >
                  {t(`${c}.complete`)}
                </ActionButton>
              </Flex>
            </>
          )}
        </>
      )}
      {completing && (
        <CompleteModal release={release} count={targets.rows.length} onClose={() => setCompleting(false)} />
      )}
    </Card>
  );
}

function AppliedTable({ applied }: { applied: AppliedChange[] }) {
  const { t } = useTranslation();
  const c = 'postrelease.cmdb';
  return (
    <Table<AppliedChange>
      rowKey="ciId"
      size="small"
      pagination={false}
      dataSource={applied}
      title={() => <Typography.Text strong>{t(`${c}.applied`)}</Typography.Text>}
      data-testid="cmdb-applied"
      columns={[
        { key: 'ci', title: t(`${c}.ci`), render: (_, r) => <CiName id={r.ciId} name={r.ciName} /> },
        { key: 'before', title: t(`${c}.before`), render: (_, r) => version(r.before) },
        { key: 'arrow', width: 32, render: () => <ArrowRightOutlined style={{ color: '#8c8c8c' }} /> },
        { key: 'after', title: t(`${c}.after`), render: (_, r) => version(r.after) },
      ]}
    />
  );
}

/** Confirms the update with an optional note, which goes into each CI's history with the release. */
function CompleteModal({
  release,
  count,
  onClose,
}: {
  release: ReleaseDetail;
  count: number;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ note?: string }>();
  const { submit, failure, pending } = useSubmit(form);
  const c = 'postrelease.cmdb';

  const complete = ({ note }: { note?: string }) =>
    submit(
      () => completeCmdbUpdate(release.id, note?.trim() || null),
      () => {
        // The CIs changed too: their pages and the version shown here.
        void queryClient.invalidateQueries({ queryKey: cmdbQueryKey });
        void queryClient.invalidateQueries({ queryKey: referencesQueryKey(release.id) });
        void message.success(t(`${c}.completed`, { count }));
        onClose();
      },
    );

  return (
    <FormModal
      title={t(`${c}.completeTitle`, { number: release.number })}
      okText={t(`${c}.complete`)}
      pending={pending}
      failure={failure}
      onOk={() => form.submit()}
      onClose={onClose}
      testId="cmdb-complete-modal"
    >
      <Typography.Paragraph>{t(`${c}.completeContent`)}</Typography.Paragraph>
      <Form form={form} name="cmdb-update" layout="vertical" onFinish={(v) => void complete(v)}>
        <Form.Item name="note" label={t(`${c}.note`)} style={{ marginBottom: 0 }}>
          <Input.TextArea
            autoSize={{ minRows: 2, maxRows: 5 }}
            count={textLimit(2000)}
            placeholder={t(`${c}.notePlaceholder`)}
          />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
