import '../../i18n/zh.measures';
import type { ReactNode } from 'react';
import { Card, Col, Flex, Row, Statistic, Tag, Tooltip, Typography } from 'antd';
import { CheckCircleFilled, CloseCircleFilled, InfoCircleOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { formatDuration } from '../../common/format';
import type { MeasureRuleKey, QuarterMeasures, QuartersView, Ratio } from './measures.api';

/** Measured minutes as people read them: 41 秒, 12 分 30 秒, 3 小时 5 分, 2 天 4 小时. */
export function formatMinutes(t: TFunction, minutes: number | null): string {
  return minutes === null ? '—' : formatDuration(t, minutes * 60);
}

const percentText = (r: Ratio) => (r.percent === null ? '—' : `${r.percent}%`);

function Kpi({
  title,
  rule,
  value,
  suffix,
  footer,
  status,
  testId,
}: {
  title: string;
  rule: string;
  value: string;
  suffix?: ReactNode;
  footer: ReactNode;
  status?: 'good' | 'bad' | null;
  testId: string;
}) {
  const color = status === 'good' ? '#389e0d' : status === 'bad' ? '#cf1322' : undefined;
  return (
    <Card size="small" style={{ height: '100%' }} data-testid={testId}>
      <Statistic
        title={
          <Flex gap={6} align="center">
            <span>{title}</span>
            <Tooltip title={rule}>
              <InfoCircleOutlined style={{ color: '#8c8c8c' }} aria-label={rule} />
            </Tooltip>
          </Flex>
        }
        value={value}
        suffix={suffix}
        styles={{ content: { color, fontWeight: 600 } }}
      />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {footer}
      </Typography.Text>
    </Card>
  );
}

/** The quarter's KP-1 and KP-2 figures as cards, each with its rule in a tooltip. */
export function KpiCards({ quarter: q, view }: { quarter: QuarterMeasures; view: QuartersView }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'zh';
  const rule = (k: MeasureRuleKey) => view.rules[k][lang];
  const s = q.successRate;
  const of = (r: Ratio) => t('measures.of', { numerator: r.numerator, denominator: r.denominator });
  const verdict =
    s.meetsTarget === null ? null : s.meetsTarget ? (
      <Tag color="success" icon={<CheckCircleFilled />} style={{ marginInlineStart: 8 }}>
        {t('measures.met')}
      </Tag>
    ) : (
      <Tag color="error" icon={<CloseCircleFilled />} style={{ marginInlineStart: 8 }}>
        {t('measures.missed')}
      </Tag>
    );
  // Cards share a row evenly and wrap below about 200 px each.
  const span = { flex: '1 1 200px' };
  return (
    <>
      <Typography.Text strong>{t('measures.kpiGroups.policy')}</Typography.Text>
      <Row gutter={[12, 12]} style={{ margin: '8px 0 16px' }}>
        <Col {...span}>
          <Kpi
            testId="kpi-success-rate"
            title={t('measures.kpis.successRate')}
            rule={rule('successRate')}
            value={percentText(s)}
            suffix={verdict}
            status={s.meetsTarget === null ? null : s.meetsTarget ? 'good' : 'bad'}
            footer={`${of(s)} · ${t('measures.target', { target: s.target })}`}
          />
        </Col>
        <Col {...span}>
          <Kpi
            testId="kpi-cmdb-on-time"
            title={t('measures.kpis.cmdbOnTime')}
            rule={rule('cmdbOnTime')}
            value={percentText(q.cmdbOnTimeRate)}
            footer={t('measures.tasks', { ...q.cmdbOnTimeRate })}
          />
        </Col>
        <Col {...span}>
          <Kpi
            testId="kpi-rollback-decision"
            title={t('measures.kpis.rollbackDecision')}
            rule={rule('rollbackDecision')}
            value={formatMinutes(t, q.rollbackDecisions.meanMinutes)}
            status={q.rollbackDecisions.late > 0 ? 'bad' : null}
            footer={t('measures.decisions', {
              n: q.rollbackDecisions.decisions,
              late: q.rollbackDecisions.late,
            })}
          />
        </Col>
        <Col {...span}>
          <Kpi
            testId="kpi-emergency-share"
            title={t('measures.kpis.emergencyShare')}
            rule={rule('emergencyShare')}
            value={percentText(q.emergencyShare)}
            footer={t('measures.emergencies', { ...q.byType })}
          />
        </Col>
        <Col {...span}>
          <Kpi
            testId="kpi-plan-approval"
            title={t('measures.kpis.planApproval')}
            rule={rule('planApproval')}
            value={formatMinutes(t, q.planApprovalMinutesMedian)}
            footer={t('measures.planApprovalHint')}
          />
        </Col>
      </Row>
      <Typography.Text strong>{t('measures.kpiGroups.dora')}</Typography.Text>
      <Row gutter={[12, 12]} style={{ marginTop: 8 }}>
        <Col {...span}>
          <Kpi
            testId="kpi-deployment-frequency"
            title={t('measures.kpis.deploymentFrequency')}
            rule={rule('deploymentFrequency')}
            value={String(q.dora.deploymentsPerWeek)}
            suffix={<span style={{ fontSize: 14 }}>{t('measures.perWeek')}</span>}
            footer={t('measures.deployments', { n: q.dora.deployments })}
          />
        </Col>
        <Col {...span}>
          <Kpi
            testId="kpi-lead-time"
            title={t('measures.kpis.leadTime')}
            rule={rule('leadTime')}
            value={formatMinutes(t, q.dora.leadTimeMinutesMedian)}
            footer={t('measures.leadTimeHint')}
          />
        </Col>
        <Col {...span}>
          <Kpi
            testId="kpi-change-failure-rate"
            title={t('measures.kpis.changeFailureRate')}
            rule={rule('changeFailureRate')}
            value={percentText(q.dora.changeFailureRate)}
            footer={t('measures.failures', { ...q.dora.changeFailureRate })}
          />
        </Col>
        <Col {...span}>
          <Kpi
            testId="kpi-time-to-restore"
            title={t('measures.kpis.timeToRestore')}
            rule={rule('timeToRestore')}
            value={formatMinutes(t, q.dora.timeToRestoreMinutesMedian)}
            footer={`${t('releases.outcomes.rolled_back')} ${q.outcomes.rolled_back}`}
          />
        </Col>
      </Row>
    </>
  );
}
