import { useState } from 'react';
import { Card, Flex, Progress, Table, Tag, Typography } from 'antd';
import { CheckCircleFilled } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ApiError, isApiError } from '../../../api/client';
import { formatDateTime } from '../../../common/format';
import { ActionButton } from '../ActionButton';
import { ActionBlockers } from '../execution/ActionBlockers';
import { onlyStateBlocked, useReleaseActions } from '../releaseActions';
import { localized } from '../execution/executionText';
import { CheckResultTag, EvidenceCell, RecordCheckModal } from '../execution/VerificationTab';
import {
  recordVerification,
  USER_ACCEPTANCE,
  type PostReleaseView,
  type VerificationItem,
} from './postrelease.api';

/**
 * PO-1 效果验证: functional, performance and business verification, each with its latest result,
 * evidence, actor and time, and a form to record it; the progress counts user acceptance too.
 */
export function VerificationsCard({ releaseId, view }: { releaseId: string; view: PostReleaseView }) {
  const { t, i18n } = useTranslation();
  const { availability } = useReleaseActions();
  const [recording, setRecording] = useState<VerificationItem | null>(null);
  const all = view.verifications.items;
  const items = all.filter((i) => i.key !== USER_ACCEPTANCE);
  const passed = all.filter((i) => i.latest?.result === 'passed').length;
  const c = 'execution.checks';
  // After the release is closed (or before post-release management) there is nothing to record.
  const closed = onlyStateBlocked(availability('record_verification'));

  return (
    <Card
      size="small"
      title={t('postrelease.verify.title')}
      data-testid="verifications-card"
      extra={
        <Flex gap={8} align="center">
          <Progress
            percent={all.length ? Math.round((passed / all.length) * 100) : 0}
            steps={all.length}
            size={[28, 8]}
            strokeColor="#52c41a"
            format={() => t('postrelease.verify.passedCount', { passed, total: all.length })}
            data-testid="verifications-progress"
          />
          {all.length > 0 && passed === all.length && (
            <Tag color="success" icon={<CheckCircleFilled />} data-testid="verifications-all-passed">
              {t('postrelease.verify.allPassed')}
            </Tag>
          )}
        </Flex>
      }
    >
      <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
        {t('postrelease.verify.help')}
      </Typography.Paragraph>
      {passed < all.length && <ActionBlockers action="record_verification" />}
      <Table<VerificationItem>
        rowKey="key"
        size="middle"
        pagination={false}
        dataSource={items}
        scroll={{ x: 'max-content' }}
        data-testid="verifications-table"
        onRow={(item) =>
          ({ 'data-testid': `verification-row-${item.key}` }) as React.HTMLAttributes<HTMLElement>
        }
        columns={[
          {
            key: 'item',
            title: t(`${c}.item`),
            width: 190,
            render: (_, item) => (
              <Typography.Text strong>{localized(item.label, i18n.language)}</Typography.Text>
            ),
          },
          {
            key: 'result',
            title: t(`${c}.result`),
            width: 110,
            render: (_, item) => <CheckResultTag result={item.latest?.result ?? 'pending'} />,
          },
          {
            key: 'evidence',
            title: t(`${c}.evidence`),
            render: (_, item) =>
              item.latest ? <EvidenceCell result={item.latest} releaseId={releaseId} /> : '—',
          },
          {
            key: 'actor',
            title: t(`${c}.actor`),
            width: 130,
            render: (_, item) => item.latest?.actorName ?? '—',
          },
          {
            key: 'at',
            title: t(`${c}.at`),
            width: 170,
            render: (_, item) => (item.latest ? formatDateTime(item.latest.at) : '—'),
          },
          ...(closed
            ? []
            : [
                {
                  key: 'actions',
                  title: '',
                  width: 120,
                  render: (_: unknown, item: VerificationItem) => (
                    <ActionButton
                      action="record_verification"
                      size="small"
                      type={item.latest?.result === 'passed' ? 'default' : 'primary'}
                      onRun={() => setRecording(item)}
                      data-testid={`verification-record-${item.key}`}
                    >
                      {item.latest ? t(`${c}.recordAgain`) : t(`${c}.record`)}
                    </ActionButton>
                  ),
                },
              ]),
        ]}
      />
      {recording && (
        <RecordVerificationModal
          releaseId={releaseId}
          item={recording}
          label={localized(recording.label, i18n.language)}
          onClose={() => setRecording(null)}
        />
      )}
    </Card>
  );
}

/** The server asks for evidence in the words of IM-1: here it is PO-1's rule, said as such. */
function asPostReleaseEvidence(error: unknown, text: string): unknown {
  if (!isApiError(error) || error.detail('ruleCode') !== 'verification_evidence') return error;
  const details = { ...(error.details as Record<string, unknown>), fields: { note: [text] } };
  return new ApiError(error.status, error.code, error.message, details);
}

/** Records one verification with the form of the pre-release checks: result and evidence. */
function RecordVerificationModal({
  releaseId,
  item,
  label,
  onClose,
}: {
  releaseId: string;
  item: VerificationItem;
  label: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const needsEvidence = t('postrelease.verify.needsEvidence');
  return (
    <RecordCheckModal
      releaseId={releaseId}
      item={item}
      label={label}
      onClose={onClose}
      testId="verification"
      texts={{
        title: t('postrelease.verify.recordTitle', { item: label }),
        evidenceHelp: t('postrelease.verify.evidenceHelp'),
        notePlaceholder: t('postrelease.verify.notePlaceholder'),
      }}
      record={(input) =>
        recordVerification(releaseId, item.key, input).catch((error: unknown) => {
          throw asPostReleaseEvidence(error, needsEvidence);
        })
      }
    />
  );
}
