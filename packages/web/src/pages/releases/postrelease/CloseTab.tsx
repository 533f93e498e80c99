import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { Button, Card, Col, Descriptions, Flex, List, Row, Tag, Typography } from 'antd';
import {
  BulbOutlined,
  CheckCircleFilled,
  ClockCircleOutlined,
  CloseCircleFilled,
  FlagOutlined,
  RollbackOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { usePeople } from '../../../common/people';
import type { TFunction } from 'i18next';
import type { Blocker, ReleaseDetail } from '../../../api/types';
import { formatDateTime, formatMinute } from '../../../common/format';
import { blockerReason, blockerText } from '../../../common/ruleText';
import { ActionButton } from '../ActionButton';
import { useReleaseActions } from '../releaseActions';
import { ArchiveCard } from './ArchiveCard';
import { CloseModal } from './CloseModal';
import type { Closure, PostReleaseView } from './postrelease.api';
import { PostReleaseQuery } from './PostReleaseQuery';
import { ReportCard } from './ReportCard';
import { ReviewCard } from './ReviewCard';
import { afterReleaseTabShown } from './afterReleaseTabs';

type Check = 'verification' | 'cmdb' | 'archive';
const CHECK_RULES: Record<Check, Blocker['code']> = {
  verification: 'verification_done',
  cmdb: 'cmdb_update_done',
  archive: 'documents_archived',
};

/**
 * 关闭 (CL-1, CL-2, PO-3): the close prerequisites from the server's blockers, the archive, the
 * manager's close, 《发布变更报告》 and 证据包; after the close, its summary.
 */
export function CloseTab({ release }: { release: ReleaseDetail }) {
  return (
    <PostReleaseQuery releaseId={release.id}>
      {(data) => (
        <Row gutter={[16, 16]} data-testid="close-tab">
          <Col xs={24} xl={14}>
            {data.closure ? (
              <ClosureCard closure={data.closure} />
            ) : (
              <PrerequisitesCard release={release} view={data} />
            )}
          </Col>
          <Col xs={24} xl={10}>
            <ReportCard releaseId={release.id} number={release.number} closed={release.state === 'closed'} />
          </Col>
          {/* TY-4: a rolled-back emergency release has no 发布后管理 tab; its review is due here. */}
          {release.type === 'emergency' && !afterReleaseTabShown('postrelease', release) && (
            <Col span={24}>
              <ReviewCard release={release} review={data.review} />
            </Col>
          )}
          <Col span={24}>
            <ArchiveCard releaseId={release.id} view={data} />
          </Col>
        </Row>
      )}
    </PostReleaseQuery>
  );
}

/** What each met prerequisite rests on, from the record. */
function metDetail(
  t: TFunction,
  check: Check,
  view: PostReleaseView,
  nameOf: (username: string | null | undefined) => string,
): string {
  if (check === 'verification') {
    const n = view.verifications.items.length;
    return t('postrelease.verify.passedCount', { passed: n, total: n });
  }
  if (check === 'cmdb' && view.cmdbUpdate?.doneAt)
    return t('postrelease.cmdb.doneBy', {
      by: nameOf(view.cmdbUpdate.doneBy) || '—',
      at: formatMinute(view.cmdbUpdate.doneAt),
    });
  if (check === 'archive' && view.archive)
    return t('postrelease.archive.archivedBy', {
      by: nameOf(view.archive.archivedBy),
      at: formatMinute(view.archive.archivedAt),
    });
  return '';
}

/**
 * CL-1: 验证完成, CMDB 已更新, 文档已归档 — each met or not as the server judges a successful close
 * (a rolled-back release needs only the archive); the close button for the operations manager.
 */
function PrerequisitesCard({ release, view }: { release: ReleaseDetail; view: PostReleaseView }) {
  const { t } = useTranslation();
  const nameOf = usePeople();
  const { availability } = useReleaseActions();
  const [closing, setClosing] = useState(false);
  const rolledBack = release.state === 'rolled_back';
  const judged = availability(rolledBack ? 'close_rolled_back' : 'close_successful');
  const checks: Check[] = rolledBack ? ['archive'] : ['verification', 'cmdb', 'archive'];
  const blockerOf = (check: Check): Blocker | undefined =>
    judged.blockers.find((b) => b.code === CHECK_RULES[check]);
  // CL-1, KP-1: the close button is the close the prerequisites are about, disabled with its
  // blockers until they are met; closing as failed is its own, deliberate button.
  const failable = !rolledBack && availability('close_failed').allowed;
  const roleBlockers = judged.blockers.filter((b) => b.kind === 'role');
  const c = 'postrelease.close';

  return (
    <Card
      size="small"
      title={t(`${c}.prerequisites`)}
      style={{ height: '100%' }}
      data-testid="close-prerequisites"
    >
      <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
        {t(rolledBack ? `${c}.rolledBackHelp` : `${c}.help`)}
      </Typography.Paragraph>
      <List
        size="small"
        bordered
        dataSource={checks}
        renderItem={(check) => {
          const blocker = blockerOf(check);
          return (
            <List.Item
              data-testid={`close-check-${check}`}
              data-met={blocker ? 'false' : 'true'}
              extra={
                blocker ? (
                  <Tag color="default" icon={<ClockCircleOutlined />}>
                    {t(`${c}.notMet`)}
                  </Tag>
                ) : (
                  <Tag color="success" icon={<CheckCircleFilled />}>
                    {t(`${c}.met`)}
                  </Tag>
                )
              }
            >
              <List.Item.Meta
                avatar={
                  blocker ? (
                    <ClockCircleOutlined style={{ fontSize: 18, color: '#bfbfbf' }} />
                  ) : (
                    <CheckCircleFilled style={{ fontSize: 18, color: '#52c41a' }} />
                  )
                }
                title={t(`${c}.checks.${check}`)}
                description={blocker ? blockerReason(t, blocker) : metDetail(t, check, view, nameOf)}
              />
            </List.Item>
          );
        }}
      />
      <Flex justify="space-between" align="center" gap={12} wrap style={{ marginTop: 16 }}>
        <Flex vertical>
          {roleBlockers.map((b, i) => (
            <Typography.Text key={i} type="secondary" data-testid="close-role-blocker">
              {blockerText(t, b)}
            </Typography.Text>
          ))}
        </Flex>
        <Flex gap={8} wrap>
          {failable && (
            <ActionButton
              action="close_failed"
              danger
              onRun={() => setClosing(true)}
              data-testid="close-failed-open"
            >
              {t(`${c}.closeFailed`)}
            </ActionButton>
          )}
          <ActionButton
            action={judged.action}
            type="primary"
            icon={<FlagOutlined />}
            onRun={() => setClosing(true)}
            data-testid="close-open"
          >
            {t(`${c}.close`)}
          </ActionButton>
        </Flex>
      </Flex>
      {closing && <CloseModal release={release} onClose={() => setClosing(false)} />}
    </Card>
  );
}

const OUTCOME_LOOK: Record<string, { color: string; icon: React.ReactNode; tag: string }> = {
  successful: { color: '#389e0d', icon: <CheckCircleFilled />, tag: 'success' },
  failed: { color: '#cf1322', icon: <CloseCircleFilled />, tag: 'error' },
  rolled_back: { color: '#d46b08', icon: <RollbackOutlined />, tag: 'warning' },
};

/** After the close: the outcome, who closed it and when, the analysis and the lessons learned. */
function ClosureCard({ closure }: { closure: Closure }) {
  const { t } = useTranslation();
  const [, setParams] = useSearchParams();
  const c = 'postrelease.close';
  const look = OUTCOME_LOOK[closure.outcome] ?? OUTCOME_LOOK.failed;
  const text = (value: string | null) =>
    value ? (
      <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{value}</Typography.Paragraph>
    ) : (
      <Typography.Text type="secondary">{t(`${c}.notGiven`)}</Typography.Text>
    );
  return (
    <Card size="small" title={t(`${c}.summary`)} style={{ height: '100%' }} data-testid="closure-card">
      <Flex gap={12} align="center" style={{ marginBottom: 16 }}>
        <span style={{ fontSize: 32, color: look.color, lineHeight: 1 }}>{look.icon}</span>
        <Flex vertical gap={2}>
          <Flex gap={8} align="center">
            <Typography.Text strong style={{ fontSize: 16 }}>
              {t(`${c}.closedTitle`)}
            </Typography.Text>
            <Tag color={look.tag} style={{ marginInlineEnd: 0 }} data-testid="closure-outcome">
              {t(`${c}.outcomes.${closure.outcome}`, { defaultValue: closure.outcome })}
            </Tag>
          </Flex>
          <Typography.Text type="secondary">
            {t(`${c}.closedByAt`, { by: closure.closedBy, at: formatDateTime(closure.closedAt) })}
          </Typography.Text>
        </Flex>
      </Flex>
      <Descriptions
        size="small"
        column={1}
        styles={{ label: { whiteSpace: 'nowrap' } }}
        items={[
          { key: 'analysis', label: t(`${c}.analysis`), children: text(closure.analysis) },
          { key: 'lessons', label: t(`${c}.lessons`), children: text(closure.lessons) },
        ]}
      />
      {closure.lessons && (
        <Button
          type="link"
          icon={<BulbOutlined />}
          style={{ paddingInline: 0 }}
          onClick={() => setParams({ tab: 'knowledge' }, { replace: true })}
          data-testid="closure-knowledge"
        >
          {t(`${c}.toKnowledge`)}
        </Button>
      )}
    </Card>
  );
}
