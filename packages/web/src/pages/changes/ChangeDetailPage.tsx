import '../../i18n/zh.cmdb';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import {
  Alert,
  Breadcrumb,
  Button,
  Card,
  Col,
  Descriptions,
  Flex,
  Popconfirm,
  Progress,
  Row,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import {
  CheckOutlined,
  CloseOutlined,
  EditOutlined,
  LinkOutlined,
  RocketOutlined,
  RollbackOutlined,
  SendOutlined,
} from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { ChangeDetail, ChangeVote, ReleaseState, VoteDecision } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../common/ErrorAlert';
import { PhoneTable } from '../../common/PhoneTable';
import { formatDateTime, formatMinute } from '../../common/format';
import { ReasonModal } from '../../common/ReasonModal';
import { EnvironmentTag } from '../cmdb/CiTags';
import { useCiTypes } from '../cmdb/useCiTypes';
import { ReleaseStateTag } from '../releases/ReleaseTags';
import { ChangeFormDrawer } from './ChangeFormDrawer';
import { ChangeRiskTag, ChangeStateTag, EmergencyChangeTag } from './ChangeTags';
import { changesQueryKey, submitChange, voteOnChange, withdrawChange, useChange } from './changes.api';
import { DetailQuery } from '../../common/DetailQuery';
import { PersonName, usePeople } from '../../common/people';
import { useFeedback } from '../../common/feedback';

const WITHDRAWABLE = ['draft', 'submitted', 'cab_review', 'approved'];

type Dialog = 'edit' | 'approve' | 'reject' | 'withdraw' | null;

/** 变更详情: its CAB votes against the quorum, its CIs, its source and the releases carrying it. */
export function ChangeDetailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const change = useChange(id);
  return (
    <DetailQuery
      query={change}
      notFound={{ title: t('changes.notFound'), backTo: '/changes', backText: t('changes.backToList') }}
    >
      {(data) => <ChangeView change={data} />}
    </DetailQuery>
  );
}

function ChangeView({ change: c }: { change: ChangeDetail }) {
  const { t } = useTranslation();
  const nameOf = usePeople();
  const { can, session } = useAuth();
  const { message } = useFeedback();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const types = useCiTypes();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: changesQueryKey });
  const internal = c.source === 'internal';
  const me = session.user.username;
  const ownChange = c.requester === me;
  const myVote = c.votes.find((v) => v.voter === me && !v.supersededAt);

  const submit = useMutation({
    mutationFn: () => submitChange(c.id),
    onMutate: () => setActionError(null),
    onSuccess: (after) => void message.success(t('changes.submitted', { number: after.number })),
    onError: setActionError,
    onSettled: () => void refresh(),
  });

  const vote = async (decision: VoteDecision, comment: string) => {
    await voteOnChange(c.id, decision, comment);
    void message.success(t('changes.voted'));
    void refresh();
  };

  const canManage = can('change.manage') && internal;
  const canVote = can('change.vote') && internal && c.state === 'cab_review';
  const percent = Math.min(100, Math.round((c.quorum.approve / Math.max(1, c.quorum.required)) * 100));
  // Neither the CAB nor, for an emergency change, the emergency CAB has enough people to decide.
  const undecidable =
    (c.state === 'draft' || c.state === 'cab_review') &&
    c.quorum.eligible < c.quorum.required &&
    (!c.quorum.expedited || c.quorum.expedited.eligible < c.quorum.expedited.required);

  return (
    <>
      <Breadcrumb
        style={{ marginBottom: 12 }}
        items={[{ title: <Link to="/changes">{t('nav.changes')}</Link> }, { title: c.number }]}
      />
      <Flex justify="space-between" align="flex-start" gap={16} wrap style={{ marginBottom: 16 }}>
        <div style={{ minWidth: 0, flex: '1 1 360px' }}>
          <Flex align="center" gap={8} wrap>
            <Typography.Title level={3} style={{ margin: 0 }} data-testid="change-title">
              <span className="rg-mono" style={{ fontSize: 20 }}>
                {c.number}
              </span>{' '}
              {c.title}
            </Typography.Title>
            <ChangeStateTag state={c.state} testId="change-state" />
            {c.emergency && <EmergencyChangeTag />}
            {c.external && <Tag>{t('changes.sources.external')}</Tag>}
          </Flex>
          <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0' }}>
            {t(`changes.stateHelp.${c.state}`)}
          </Typography.Paragraph>
        </div>
        <Flex gap={8} wrap>
          {canManage && c.state === 'draft' && (
            <Button icon={<EditOutlined />} onClick={() => setDialog('edit')} data-testid="change-edit">
              {t('common.edit')}
            </Button>
          )}
          {canManage && c.state === 'draft' && (
            <Popconfirm
              title={t('changes.submitConfirm')}
              okText={t('changes.submit')}
              cancelText={t('common.cancel')}
              onConfirm={() => submit.mutate()}
            >
              <Button
                type="primary"
                icon={<SendOutlined />}
                loading={submit.isPending}
                data-testid="change-submit"
              >
                {t('changes.submit')}
              </Button>
            </Popconfirm>
          )}
          {canVote && (
            <>
              <Tooltip title={ownChange ? t('changes.ownChange') : undefined}>
                <Button
                  type="primary"
                  icon={<CheckOutlined />}
                  disabled={ownChange}
                  onClick={() => setDialog('approve')}
                  data-testid="change-approve"
                >
                  {t('changes.approve')}
                </Button>
              </Tooltip>
              <Tooltip title={ownChange ? t('changes.ownChange') : undefined}>
                <Button
                  danger
                  icon={<CloseOutlined />}
                  disabled={ownChange}
                  onClick={() => setDialog('reject')}
                  data-testid="change-reject"
                >
                  {t('changes.reject')}
                </Button>
              </Tooltip>
            </>
          )}
          {c.state === 'approved' && can('release.request') && (
            <Button
              type="primary"
              icon={<RocketOutlined />}
              onClick={() => void navigate(`/releases/new?changeId=${encodeURIComponent(c.id)}`)}
              data-testid="change-request-release"
            >
              {t('changes.requestRelease')}
            </Button>
          )}
          {canManage && WITHDRAWABLE.includes(c.state) && (
            <Button
              danger
              icon={<RollbackOutlined />}
              onClick={() => setDialog('withdraw')}
              data-testid="change-withdraw"
            >
              {t('changes.withdraw')}
            </Button>
          )}
        </Flex>
      </Flex>

      <ErrorAlert error={actionError} style={{ marginBottom: 16 }} />
      {c.external && (
        <Alert type="info" showIcon title={t('changes.externalNote')} style={{ marginBottom: 16 }} />
      )}

      <Row gutter={16}>
        <Col xs={24} xl={15}>
          <Card title={t('changes.basicsTitle')} style={{ marginBottom: 16 }}>
            <Descriptions
              size="small"
              column={{ xs: 1, md: 2 }}
              data-testid="change-fields"
              items={[
                {
                  key: 'requester',
                  label: t('changes.fields.requester'),
                  children: <PersonName username={c.requester} />,
                },
                { key: 'risk', label: t('changes.fields.risk'), children: <ChangeRiskTag risk={c.risk} /> },
                ...(c.emergency
                  ? [
                      {
                        key: 'emergencyReason',
                        label: t('changes.fields.emergencyReason'),
                        span: 2,
                        children: c.emergencyReason,
                      },
                    ]
                  : []),
                {
                  key: 'createdAt',
                  label: t('changes.fields.createdAt'),
                  children: formatDateTime(c.createdAt),
                },
                {
                  key: 'submittedAt',
                  label: t('changes.fields.submittedAt'),
                  children: formatDateTime(c.submittedAt) || '—',
                },
                ...(c.approvedAt
                  ? [
                      {
                        key: 'approvedAt',
                        label: t('changes.fields.approvedAt'),
                        children: formatDateTime(c.approvedAt),
                      },
                      {
                        key: 'approvedBy',
                        label: t('changes.fields.approvedBy'),
                        children: c.approvedBy.map(nameOf).join(t('policy.listSeparator')) || '—',
                      },
                      ...(c.approvedVia
                        ? [
                            {
                              key: 'approvedVia',
                              label: t('changes.fields.approvedVia'),
                              children: (
                                <span data-testid="change-approved-via">
                                  {t(`changes.approvedVia.${c.approvedVia}`)}
                                </span>
                              ),
                            },
                          ]
                        : []),
                    ]
                  : []),
                ...(c.rejectedAt
                  ? [
                      {
                        key: 'rejectedAt',
                        label: t('changes.fields.rejectedAt'),
                        children: formatDateTime(c.rejectedAt),
                      },
                    ]
                  : []),
                ...(c.implementedAt
                  ? [
                      {
                        key: 'implementedAt',
                        label: t('changes.fields.implementedAt'),
                        children: formatDateTime(c.implementedAt),
                      },
                      {
                        key: 'implementedBy',
                        label: t('changes.fields.implementedBy'),
                        children: c.implementedBy ?? '—',
                      },
                    ]
                  : []),
                {
                  key: 'description',
                  label: t('changes.fields.description'),
                  span: { xs: 1, md: 2 },
                  children: c.description ? (
                    <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }}>
                      {c.description}
                    </Typography.Paragraph>
                  ) : (
                    '—'
                  ),
                },
              ]}
            />
          </Card>

          <Card title={t('changes.cisTitle', { n: c.cis.length })} style={{ marginBottom: 16 }}>
            <PhoneTable
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={c.cis}
              locale={{ emptyText: t('changes.noCis') }}
              data-testid="change-cis-table"
              columns={[
                {
                  title: t('cmdb.fields.name'),
                  dataIndex: 'name',
                  render: (name: string, ci) => <Link to={`/cmdb/cis/${ci.id}`}>{name}</Link>,
                },
                {
                  title: t('cmdb.fields.type'),
                  dataIndex: 'type',
                  width: 140,
                  render: (type: string) => types.typeName(type),
                },
                {
                  title: t('cmdb.fields.environment'),
                  dataIndex: 'environment',
                  width: 110,
                  render: (e: string) => <EnvironmentTag environment={e} />,
                },
              ]}
            />
          </Card>

          <Card title={t('changes.releasesTitle')} style={{ marginBottom: 16 }}>
            <PhoneTable
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={c.releases}
              locale={{ emptyText: t('changes.noReleases') }}
              data-testid="change-releases"
              columns={[
                {
                  title: t('releases.fields.number'),
                  dataIndex: 'number',
                  width: 150,
                  render: (number: string, r) => (
                    <Link to={`/releases/${r.id}`} className="rg-mono">
                      {number}
                    </Link>
                  ),
                },
                { title: t('releases.fields.title'), dataIndex: 'title' },
                {
                  title: t('releases.fields.state'),
                  dataIndex: 'state',
                  width: 130,
                  render: (state: string) => <ReleaseStateTag state={state as ReleaseState} />,
                },
              ]}
            />
          </Card>
        </Col>

        <Col xs={24} xl={9}>
          <Card title={t('changes.quorumTitle')} style={{ marginBottom: 16 }} data-testid="change-quorum">
            <Progress
              percent={percent}
              status={c.state === 'approved' ? 'success' : c.state === 'rejected' ? 'exception' : 'active'}
              format={() => `${c.quorum.approve}/${c.quorum.required}`}
            />
            <Flex justify="space-between" style={{ marginTop: 4 }}>
              <Typography.Text>
                {t('changes.quorumProgress', { approve: c.quorum.approve, required: c.quorum.required })}
              </Typography.Text>
              <Typography.Text type={c.quorum.reject > 0 ? 'danger' : 'secondary'}>
                {t('changes.rejectCount', { reject: c.quorum.reject })}
              </Typography.Text>
            </Flex>
            <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0', fontSize: 12 }}>
              {t('changes.quorumHelp', { required: c.quorum.required })}
            </Typography.Paragraph>
            {undecidable && (
              // IN-1: a CAB with fewer voters than its quorum never decides; say so, and who can help.
              <Alert
                type="error"
                showIcon
                style={{ marginTop: 12 }}
                data-testid="change-too-few-voters"
                title={t('changes.tooFewVoters', {
                  eligible: c.quorum.eligible,
                  required: c.quorum.required,
                })}
              />
            )}
            {c.quorum.expedited && (
              // IN-1, TY-4: the emergency CAB's own, smaller quorum of its members' votes.
              <Alert
                type="warning"
                showIcon
                style={{ marginTop: 12 }}
                data-testid="change-expedited-quorum"
                title={t('changes.expeditedTitle', {
                  approve: c.quorum.expedited.approve,
                  required: c.quorum.expedited.required,
                })}
                description={t('changes.expeditedHelp', {
                  required: c.quorum.expedited.required,
                  voters: c.quorum.expedited.voters
                    .map((r) => t(`roles.${r}`, { defaultValue: r }))
                    .join(t('policy.listSeparator')),
                })}
              />
            )}
          </Card>

          <Card title={t('changes.votesTitle')} style={{ marginBottom: 16 }}>
            <Table<ChangeVote>
              rowKey="id"
              rowClassName={(v) => (v.supersededAt ? 'rg-vote-superseded' : '')}
              size="small"
              pagination={false}
              dataSource={c.votes}
              locale={{ emptyText: t('changes.noVotes') }}
              data-testid="change-votes"
              columns={[
                {
                  title: t('changes.voter'),
                  dataIndex: 'voter',
                  width: 90,
                  render: (u: string) => <PersonName username={u} />,
                },
                {
                  title: t('changes.decision'),
                  dataIndex: 'decision',
                  width: 70,
                  render: (d: VoteDecision, v) => (
                    <Flex vertical gap={2} align="flex-start">
                      <Tag
                        color={v.supersededAt ? 'default' : d === 'approve' ? 'success' : 'error'}
                        style={{ marginInlineEnd: 0 }}
                      >
                        {t(`changes.decisions.${d}`)}
                      </Tag>
                      {v.emergencyCab && (
                        <Typography.Text
                          type="secondary"
                          style={{ fontSize: 12 }}
                          data-testid="vote-emergency-cab"
                        >
                          {t('changes.emergencyCabVote')}
                        </Typography.Text>
                      )}
                    </Flex>
                  ),
                },
                {
                  title: t('changes.comment'),
                  dataIndex: 'comment',
                  render: (comment: string, v) => (
                    <Flex vertical>
                      <span>{comment}</span>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {formatMinute(v.votedAt)}
                      </Typography.Text>
                      {v.supersededAt && (
                        // IN-1: a changed vote stays on the record; only the latest one counts.
                        <Typography.Text
                          type="secondary"
                          style={{ fontSize: 12 }}
                          data-testid="vote-superseded"
                        >
                          {t('changes.voteSuperseded', { at: formatMinute(v.supersededAt) })}
                        </Typography.Text>
                      )}
                    </Flex>
                  ),
                },
              ]}
            />
          </Card>

          {c.external && (
            <Card title={t('changes.externalTitle')} style={{ marginBottom: 16 }}>
              <Descriptions
                size="small"
                column={1}
                data-testid="change-external"
                items={[
                  { key: 'system', label: t('changes.externalSystem'), children: c.external.system },
                  {
                    key: 'key',
                    label: t('changes.externalKey'),
                    children: <span className="rg-mono">{c.external.key}</span>,
                  },
                  {
                    key: 'status',
                    label: t('changes.externalStatus'),
                    children: t(`changes.externalStatuses.${c.external.status}`),
                  },
                  {
                    key: 'url',
                    label: t('changes.externalUrl'),
                    children: c.external.url ? (
                      <Typography.Link href={c.external.url} target="_blank" rel="noreferrer noopener">
                        <LinkOutlined /> {c.external.url}
                      </Typography.Link>
                    ) : (
                      '—'
                    ),
                  },
                ]}
              />
            </Card>
          )}

          {c.withdrawnAt && (
            <Card title={t('changes.withdrawalTitle')} style={{ marginBottom: 16 }}>
              <Descriptions
                size="small"
                column={1}
                data-testid="change-withdrawal"
                items={[
                  { key: 'by', label: t('changes.withdrawnBy'), children: c.withdrawnBy ?? '—' },
                  { key: 'at', label: t('changes.withdrawnAt'), children: formatDateTime(c.withdrawnAt) },
                  { key: 'reason', label: t('changes.withdrawReason'), children: c.withdrawReason ?? '—' },
                ]}
              />
            </Card>
          )}
        </Col>
      </Row>

      {dialog === 'edit' && (
        <ChangeFormDrawer change={c} onClose={() => setDialog(null)} onSaved={() => setDialog(null)} />
      )}
      {(dialog === 'approve' || dialog === 'reject') && (
        <ReasonModal
          title={t(dialog === 'approve' ? 'changes.voteApproveTitle' : 'changes.voteRejectTitle', {
            number: c.number,
          })}
          warning={
            myVote
              ? t('changes.voteAgain', { decision: t(`changes.decisions.${myVote.decision}`) })
              : undefined
          }
          okText={t(dialog === 'approve' ? 'changes.approve' : 'changes.reject')}
          label={t('changes.voteComment')}
          danger={dialog === 'reject'}
          onClose={() => setDialog(null)}
          onSubmit={(comment) => vote(dialog, comment)}
          testId="change-vote-modal"
        />
      )}
      {dialog === 'withdraw' && (
        <ReasonModal
          title={t('changes.withdrawTitle', { number: c.number })}
          warning={t('changes.withdrawWarning')}
          okText={t('changes.withdraw')}
          label={t('changes.withdrawReason')}
          onClose={() => setDialog(null)}
          onSubmit={async (reason) => {
            await withdrawChange(c.id, reason);
            void message.success(t('changes.withdrawn', { number: c.number }));
            void refresh();
          }}
          testId="change-withdraw-modal"
        />
      )}
    </>
  );
}
