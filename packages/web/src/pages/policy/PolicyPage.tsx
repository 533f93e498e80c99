import { useState } from 'react';
import { Button, Card, Descriptions, Drawer, Flex, Popconfirm, Table, Tag, Typography } from 'antd';
import { CheckOutlined, EditOutlined, EyeOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { PolicyDocument, PolicyRevision, PolicyVersion } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../common/ErrorAlert';
import { FullPageSpin } from '../../common/FullPageSpin';
import { formatMinute } from '../../common/format';
import { PageHeader } from '../../common/PageHeader';
import { approvePolicyVersion, policyQueryKey, useCurrentPolicy, usePolicyVersions } from './policy.api';
import { PolicyDraftDrawer } from './PolicyDraftDrawer';
import { PolicyRulesView } from './PolicyRulesView';
import { PersonName } from '../../common/people';
import { useFeedback } from '../../common/feedback';

function DocumentHeader({ document: d, inForce }: { document: PolicyDocument; inForce: boolean }) {
  const { t } = useTranslation();
  return (
    <Descriptions
      size="small"
      bordered
      column={{ xs: 1, md: 2, xl: 3 }}
      styles={{ label: { width: 110 } }}
      data-testid="policy-document"
      items={[
        { key: 'number', label: t('policy.number'), children: <span className="rg-mono">{d.number}</span> },
        { key: 'title', label: t('policy.docTitle'), children: `《${d.title}》` },
        {
          key: 'version',
          label: t('policy.version'),
          children: (
            <Flex gap={8} align="center">
              {d.version}
              {inForce && <Tag color="success">{t('policy.inForce')}</Tag>}
            </Flex>
          ),
        },
        { key: 'department', label: t('policy.department'), children: d.department },
        { key: 'approver', label: t('policy.approver'), children: d.approver || '—' },
        { key: 'effective', label: t('policy.effectiveDate'), children: d.effectiveDate },
      ]}
    />
  );
}

function Revisions({ revisions }: { revisions: PolicyRevision[] }) {
  const { t } = useTranslation();
  return (
    <Table<PolicyRevision>
      rowKey={(r) => `${r.version}-${r.date}`}
      size="small"
      pagination={false}
      dataSource={revisions}
      data-testid="policy-revisions"
      columns={[
        { title: t('policy.revisionDate'), dataIndex: 'date', width: 120 },
        { title: t('policy.revisionVersion'), dataIndex: 'version', width: 100 },
        { title: t('policy.revisionChange'), dataIndex: 'change' },
        {
          title: t('policy.revisionApprover'),
          dataIndex: 'approver',
          width: 140,
          render: (a: string) => a || '—',
        },
      ]}
    />
  );
}

/** 发布管理制度: the policy in force as people read it, its revisions and versions; drafting and approval (PC-1). */
export function PolicyPage() {
  const { t } = useTranslation();
  const { can, session } = useAuth();
  const { message } = useFeedback();
  const queryClient = useQueryClient();
  const [drafting, setDrafting] = useState(false);
  const [viewing, setViewing] = useState<PolicyVersion | null>(null);
  const current = useCurrentPolicy();
  const versions = usePolicyVersions();
  const approve = useMutation({
    mutationFn: (v: PolicyVersion) => approvePolicyVersion(v.id),
    onSuccess: (v) =>
      void message.success(t('policy.approved', { version: v.document.version, date: v.effectiveDate })),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: policyQueryKey }),
  });
  const draft = can('policy.draft');
  const manage = can('policy.manage');

  if (current.isPending) return <FullPageSpin />;
  if (current.error) return <ErrorAlert error={current.error} />;
  const p = current.data;

  return (
    <>
      <PageHeader
        title={t('policy.title')}
        subtitle={t('policy.subtitle')}
        extra={
          draft && (
            <Button
              type="primary"
              icon={<EditOutlined />}
              onClick={() => setDrafting(true)}
              data-testid="policy-draft"
            >
              {t('policy.draftNew')}
            </Button>
          )
        }
      />
      <ErrorAlert error={approve.error} style={{ marginBottom: 16 }} />
      <Card style={{ marginBottom: 16 }}>
        <DocumentHeader document={p.document} inForce />
      </Card>
      <Card title={t('policy.rulesTitle')} style={{ marginBottom: 16 }}>
        <PolicyRulesView rules={p.document.rules} />
      </Card>
      <Card title={t('policy.revisions')} style={{ marginBottom: 16 }}>
        <Revisions revisions={p.document.revisions} />
      </Card>
      <Card title={t('policy.versionsTitle')}>
        <ErrorAlert error={versions.error} style={{ marginBottom: 16 }} />
        <Table<PolicyVersion>
          rowKey="id"
          size="small"
          pagination={false}
          loading={versions.isFetching}
          dataSource={versions.data ?? []}
          data-testid="policy-versions"
          columns={[
            {
              title: t('policy.version'),
              key: 'version',
              width: 160,
              render: (_, v) => (
                <Flex gap={6} align="center">
                  <span>{v.document.version}</span>
                  {v.id === p.id && <Tag color="success">{t('policy.inForce')}</Tag>}
                  {v.status === 'approved' && v.id !== p.id && v.effectiveDate > p.effectiveDate && (
                    <Tag color="blue">{t('policy.upcoming')}</Tag>
                  )}
                </Flex>
              ),
            },
            {
              title: t('releases.fields.state'),
              dataIndex: 'status',
              width: 100,
              render: (s: PolicyVersion['status']) => (
                <Tag color={s === 'approved' ? 'success' : 'gold'}>{t(`policy.versionStatus.${s}`)}</Tag>
              ),
            },
            { title: t('policy.effectiveDate'), dataIndex: 'effectiveDate', width: 120 },
            {
              title: t('policy.revisionChange'),
              key: 'change',
              render: (_, v) =>
                v.document.revisions.find((r) => r.version === v.document.version)?.change ?? '—',
            },
            {
              title: t('policy.createdBy'),
              key: 'created',
              width: 150,
              render: (_, v) => (
                <Flex vertical>
                  <span>
                    {v.createdBy === 'system' ? (
                      t('policy.builtin')
                    ) : v.createdBy ? (
                      <PersonName username={v.createdBy} />
                    ) : (
                      '—'
                    )}
                  </span>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {formatMinute(v.createdAt)}
                  </Typography.Text>
                </Flex>
              ),
            },
            {
              title: t('policy.approvedBy'),
              key: 'approved',
              width: 150,
              render: (_, v) =>
                v.approvedBy ? (
                  <Flex vertical>
                    <PersonName username={v.approvedBy} />
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {formatMinute(v.approvedAt)}
                    </Typography.Text>
                  </Flex>
                ) : (
                  '—'
                ),
            },
            {
              title: '',
              key: 'actions',
              width: 170,
              render: (_, v) => (
                <Flex gap={6}>
                  <Button size="small" icon={<EyeOutlined />} onClick={() => setViewing(v)}>
                    {t('policy.view')}
                  </Button>
                  {manage && v.status === 'draft' && v.createdBy === session.user.username && (
                    // PC-1 four eyes: the drafter's own version waits for another manager.
                    <Tag color="orange">{t('policy.ownDraft')}</Tag>
                  )}
                  {manage && v.status === 'draft' && v.createdBy !== session.user.username && (
                    <Popconfirm
                      title={t('policy.approveConfirm', {
                        version: v.document.version,
                        date: v.effectiveDate,
                      })}
                      okText={t('policy.approve')}
                      cancelText={t('common.cancel')}
                      onConfirm={() => approve.mutate(v)}
                    >
                      <Button
                        size="small"
                        type="primary"
                        icon={<CheckOutlined />}
                        loading={approve.isPending}
                        data-testid="policy-approve"
                      >
                        {t('policy.approve')}
                      </Button>
                    </Popconfirm>
                  )}
                </Flex>
              ),
            },
          ]}
        />
      </Card>
      {drafting && <PolicyDraftDrawer base={p} onClose={() => setDrafting(false)} />}
      {viewing && (
        <Drawer
          open
          size={960}
          title={t('policy.viewTitle', {
            number: viewing.document.number,
            title: viewing.document.title,
            version: viewing.document.version,
          })}
          onClose={() => setViewing(null)}
          data-testid="policy-version-drawer"
        >
          <DocumentHeader document={viewing.document} inForce={viewing.id === p.id} />
          <Typography.Title level={5} style={{ marginTop: 20 }}>
            {t('policy.rulesTitle')}
          </Typography.Title>
          <PolicyRulesView rules={viewing.document.rules} />
          <Typography.Title level={5} style={{ marginTop: 20 }}>
            {t('policy.revisions')}
          </Typography.Title>
          <Revisions revisions={viewing.document.revisions} />
        </Drawer>
      )}
    </>
  );
}
