import type { ReactNode } from 'react';
import { Alert, Card, Flex, Tag, Tooltip } from 'antd';
import { CheckCircleOutlined, ExclamationCircleOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { PlanSection, SectionGap } from '../../../api/types';
import { gapReason, sectionLabel } from '../../../common/ruleText';

export const sectionAnchor = (section: PlanSection) => `plan-section-${section}`;

/** Whether a section is complete, as the server judged it; what is missing in a tooltip. */
export function SectionStatus({ gap, refused = false }: { gap?: SectionGap; refused?: boolean }) {
  const { t } = useTranslation();
  return gap ? (
    <Tooltip title={gapReason(t, gap)}>
      <Tag
        color={refused ? 'error' : 'warning'}
        icon={<ExclamationCircleOutlined />}
        style={{ marginInlineEnd: 0 }}
      >
        {t('plan.sectionMissing')}
      </Tag>
    </Tooltip>
  ) : (
    <Tag color="success" icon={<CheckCircleOutlined />} style={{ marginInlineEnd: 0 }}>
      {t('plan.sectionDone')}
    </Tag>
  );
}

/**
 * One section of the plan (PL-1): numbered, its completeness as the server last judged it, and —
 * after a refused submission — outlined in red with what is missing.
 */
export function PlanSectionCard({
  section,
  index,
  gap,
  missing,
  judged,
  anchor = true,
  extra,
  children,
}: {
  section: PlanSection;
  index: number;
  /** The server's gap for the saved plan. */
  gap?: SectionGap;
  /** The gap named by a refused submission. */
  missing?: SectionGap;
  /** Whether the server has judged this plan yet (it has been saved). */
  judged: boolean;
  /** false inside a drawer: the page keeps the anchors. */
  anchor?: boolean;
  extra?: ReactNode;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const status = judged ? <SectionStatus gap={missing ?? gap} refused={!!missing} /> : null;
  return (
    <Card
      id={anchor ? sectionAnchor(section) : undefined}
      size="small"
      title={`${index}. ${sectionLabel(t, section)}`}
      extra={
        <Flex gap={8} align="center">
          {extra}
          {status}
        </Flex>
      }
      style={{
        marginBottom: 16,
        scrollMarginTop: 80,
        ...(missing ? { borderColor: '#ff4d4f', boxShadow: '0 0 0 1px #ff4d4f' } : {}),
      }}
      data-testid={sectionAnchor(section)}
      data-missing={missing ? 'true' : undefined}
    >
      {missing && (
        <Alert
          type="error"
          showIcon
          title={gapReason(t, missing)}
          style={{ marginBottom: 12 }}
          data-testid={`plan-missing-${section}`}
        />
      )}
      {children}
    </Card>
  );
}
