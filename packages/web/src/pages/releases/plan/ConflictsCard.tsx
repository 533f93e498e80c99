import { useState } from 'react';
import { Button, Card, Flex, List, Tag, Typography } from 'antd';
import { CheckCircleOutlined, WarningOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { PlanConflict, ReleaseDetail } from '../../../api/types';
import { useAuth } from '../../../auth/AuthContext';
import { ErrorAlert } from '../../../common/ErrorAlert';
import { formatMinute } from '../../../common/format';
import { ReasonModal } from '../../../common/ReasonModal';
import { reasonText } from '../../../common/ruleText';
import { overrideConflict, releasesQueryKey, useConflicts, conflictsQueryKey } from '../releases.api';
import { CONFLICTS_ANCHOR } from './PlanEditor';
import { usePeople } from '../../../common/people';
import { useFeedback } from '../../../common/feedback';

/** PL-5: the plan window against freezes and other releases; proceeding needs a recorded reason. */
export function ConflictsCard({ release }: { release: ReleaseDetail }) {
  const { t } = useTranslation();
  const nameOf = usePeople();
  const { can } = useAuth();
  const { message } = useFeedback();
  const queryClient = useQueryClient();
  const [overriding, setOverriding] = useState<PlanConflict | null>(null);
  const conflicts = useConflicts(release.id, { enabled: release.plan !== null });
  const drafting = release.plan?.status === 'draft' || release.plan?.status === 'rejected';
  const list = conflicts.data ?? [];
  const open = list.filter((c) => !c.override).length;

  return (
    <Card
      id={CONFLICTS_ANCHOR}
      size="small"
      style={{ marginBottom: 16, scrollMarginTop: 80 }}
      title={
        <Flex gap={8} align="center">
          {open > 0 ? (
            <WarningOutlined style={{ color: '#fa8c16' }} />
          ) : (
            <CheckCircleOutlined style={{ color: '#52c41a' }} />
          )}
          {t('plan.conflictsTitle')}
          {open > 0 && (
            <Tag color="warning">
              {t('plan.unresolved')} {open}
            </Tag>
          )}
        </Flex>
      }
      data-testid="plan-conflicts"
    >
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('plan.conflictsHelp')}
      </Typography.Paragraph>
      <ErrorAlert error={conflicts.error} style={{ marginBottom: 8 }} />
      <List<PlanConflict>
        size="small"
        loading={conflicts.isFetching}
        dataSource={list}
        locale={{ emptyText: t('plan.noConflicts') }}
        renderItem={(c) => (
          <List.Item
            data-testid="plan-conflict"
            actions={
              !c.override && drafting && can('release.plan')
                ? [
                    <Button
                      key="override"
                      size="small"
                      onClick={() => setOverriding(c)}
                      data-testid="plan-conflict-override"
                    >
                      {t('plan.override')}
                    </Button>,
                  ]
                : undefined
            }
          >
            <Flex vertical gap={2} style={{ minWidth: 0 }}>
              <span>
                <Tag color={c.kind === 'freeze' ? 'red' : 'orange'}>{t(`plan.conflictKinds.${c.kind}`)}</Tag>
                {reasonText(t, c.reason)}
              </span>
              {c.override ? (
                <Typography.Text type="success" style={{ fontSize: 12 }}>
                  <CheckCircleOutlined /> {t('plan.overridden')}
                  {t('common.colon')}
                  {t('plan.overriddenBy', {
                    by: nameOf(c.override.byName),
                    at: formatMinute(c.override.at),
                    reason: c.override.reason,
                  })}
                </Typography.Text>
              ) : (
                <Typography.Text type="warning" style={{ fontSize: 12 }}>
                  {t('plan.unresolved')}
                </Typography.Text>
              )}
            </Flex>
          </List.Item>
        )}
      />
      {overriding && (
        <ReasonModal
          title={t('plan.overrideTitle', { conflict: reasonText(t, overriding.reason) })}
          warning={t('plan.overrideWarning')}
          okText={t('plan.override')}
          label={t('plan.overrideReason')}
          danger={false}
          onClose={() => setOverriding(null)}
          onSubmit={async (reason) => {
            const next = await overrideConflict(release.id, overriding.key, reason);
            queryClient.setQueryData(conflictsQueryKey(release.id), next);
            void message.success(t('plan.overridden'));
            void queryClient.invalidateQueries({ queryKey: releasesQueryKey });
          }}
          testId="plan-override-modal"
        />
      )}
    </Card>
  );
}
