import { useState } from 'react';
import { Button, Card, Descriptions, Drawer, Flex, Tag, Timeline, Typography } from 'antd';
import { EyeOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { PlanComment, PlanVersion } from '../../../api/types';
import { formatDateTime, formatMinute } from '../../../common/format';
import { PlanStatusTag } from '../ReleaseTags';
import { PlanView } from './PlanView';
import { PersonName, usePeople } from '../../../common/people';
import { PhoneTable } from '../../../common/PhoneTable';
import { usePhone } from '../../../common/usePhone';

const COMMENT_COLORS: Record<string, string> = {
  submitted: 'blue',
  approved: 'green',
  rejected: 'red',
  override: 'orange',
  comment: 'gray',
};

function Comments({ comments }: { comments: PlanComment[] }) {
  const { t } = useTranslation();
  if (comments.length === 0) return <Typography.Text type="secondary">{t('common.none')}</Typography.Text>;
  return (
    <Timeline
      style={{ marginTop: 8 }}
      items={comments.map((c) => ({
        key: c.seq,
        color: COMMENT_COLORS[c.kind] ?? 'gray',
        content: (
          <Flex vertical>
            <span>
              <Tag style={{ marginInlineEnd: 6 }}>
                {t(`plan.commentKinds.${c.kind}`, { defaultValue: c.kind })}
              </Tag>
              {c.authorName}
              <Typography.Text type="secondary" style={{ marginInlineStart: 8, fontSize: 12 }}>
                {formatMinute(c.at)}
              </Typography.Text>
            </span>
            {c.text && <Typography.Text>{c.text}</Typography.Text>}
          </Flex>
        ),
      }))}
    />
  );
}

/** PL-2, PL-3: every version of the plan with its decision and comments; each readable as it was. */
export function PlanHistory({ plans, number }: { plans: PlanVersion[]; number: string }) {
  const { t } = useTranslation();
  const [viewing, setViewing] = useState<PlanVersion | null>(null);
  const nameOf = usePeople();
  const phone = usePhone();
  return (
    <Card size="small" title={t('plan.historyTitle')} style={{ marginBottom: 16 }}>
      <PhoneTable<PlanVersion>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={plans}
        locale={{ emptyText: t('plan.noVersions') }}
        data-testid="plan-history"
        expandable={{ expandedRowRender: (p) => <Comments comments={p.comments} /> }}
        columns={[
          {
            title: t('plan.version'),
            dataIndex: 'version',
            width: 110,
            render: (v: number) => (
              <span data-testid="plan-history-version">{t('plan.versionN', { version: v })}</span>
            ),
          },
          {
            title: t('releases.fields.state'),
            dataIndex: 'status',
            width: 100,
            render: (s: PlanVersion['status']) => <PlanStatusTag status={s} />,
          },
          {
            title: t('plan.drafter'),
            dataIndex: 'drafterName',
            width: 100,
            render: (u: string) => <PersonName username={u} />,
          },
          {
            title: t('plan.submittedAt'),
            dataIndex: 'submittedAt',
            width: 150,
            render: (v: string | null) => formatMinute(v) || '—',
          },
          {
            title: t('plan.decidedBy'),
            key: 'decided',
            width: 160,
            render: (_, p) =>
              p.decidedBy ? (
                <Flex vertical>
                  <PersonName username={p.decidedBy} />
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {formatMinute(p.decidedAt)}
                  </Typography.Text>
                </Flex>
              ) : (
                '—'
              ),
          },
          {
            title: t('plan.decisionComment'),
            dataIndex: 'decisionComment',
            render: (c: string | null) => c ?? '—',
          },
          {
            title: '',
            key: 'view',
            width: 80,
            render: (_, p) => (
              <Button
                size="small"
                icon={<EyeOutlined />}
                onClick={() => setViewing(p)}
                data-testid="plan-history-view"
              >
                {t('plan.view')}
              </Button>
            ),
          },
        ]}
      />
      {viewing && (
        <Drawer
          open
          size={phone ? '100%' : 960}
          title={
            <Flex gap={8} align="center">
              {number} {t('plan.versionTitle', { version: viewing.version })}
              <PlanStatusTag status={viewing.status} />
            </Flex>
          }
          onClose={() => setViewing(null)}
          data-testid="plan-version-drawer"
        >
          <Descriptions
            size="small"
            column={phone ? 1 : 2}
            style={{ marginBottom: 16 }}
            items={[
              {
                key: 'drafter',
                label: t('plan.drafter'),
                children: <PersonName username={viewing.drafterName} />,
              },
              {
                key: 'updated',
                label: t('releases.fields.updatedAt'),
                children: formatDateTime(viewing.updatedAt),
              },
              {
                key: 'submitted',
                label: t('plan.submittedAt'),
                children: formatDateTime(viewing.submittedAt) || '—',
              },
              {
                key: 'decided',
                label: t('plan.decidedBy'),
                children: viewing.decidedBy
                  ? `${nameOf(viewing.decidedBy)} · ${formatDateTime(viewing.decidedAt)}`
                  : '—',
              },
              {
                key: 'comment',
                label: t('plan.decisionComment'),
                children: viewing.decisionComment ?? '—',
                span: 2,
              },
              {
                key: 'comments',
                label: t('plan.comments'),
                children: <Comments comments={viewing.comments} />,
                span: 2,
              },
            ]}
          />
          <PlanView content={viewing.content} anchors={false} />
        </Drawer>
      )}
    </Card>
  );
}
