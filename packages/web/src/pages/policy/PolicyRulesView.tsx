import type { ReactNode } from 'react';
import { Col, Flex, Row, Tag, Typography } from 'antd';
import {
  AuditOutlined,
  ClockCircleOutlined,
  FileDoneOutlined,
  LineChartOutlined,
  SafetyCertificateOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { RELEASE_TYPES, type LabelledItem, type PolicyRules } from '../../api/types';
import { useLocalized } from '../cmdb/useCiTypes';

function Rule({
  icon,
  title,
  children,
  testId,
}: {
  icon: ReactNode;
  title: string;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <div className="rg-rule" data-testid={testId}>
      <Flex gap={8} align="center" style={{ marginBottom: 6 }}>
        <span style={{ color: '#1f5fd1' }}>{icon}</span>
        <Typography.Text strong>{title}</Typography.Text>
      </Flex>
      <div style={{ paddingInlineStart: 22 }}>{children}</div>
    </div>
  );
}

function Numbered({ items }: { items: string[] }) {
  return (
    <Flex gap={6} wrap>
      {items.map((item, i) => (
        <Tag key={item} style={{ marginInlineEnd: 0 }}>
          {i + 1}. {item}
        </Tag>
      ))}
    </Flex>
  );
}

/** The rules of a policy version in plain Chinese (PC-1): what the system enforces, as people read it. */
export function PolicyRulesView({ rules }: { rules: PolicyRules }) {
  const { t } = useTranslation();
  const localized = useLocalized();
  const roles = (list: string[]) =>
    list.map((r) => t(`roles.${r}`, { defaultValue: r })).join(t('policy.roleSeparator'));
  const labels = (list: LabelledItem[]) => list.map((l) => localized(l.label));
  const sections = (list: string[]) => list.map((s) => t(`plan.sections.${s}`, { defaultValue: s }));
  const col = { xs: 24, lg: 12 };

  return (
    <Row gutter={[24, 20]} data-testid="policy-rules">
      <Col {...col}>
        <Rule
          icon={<SafetyCertificateOutlined />}
          title={t('policy.rules.approvalAuthority')}
          testId="policy-rule-approval"
        >
          <ul style={{ margin: 0, paddingInlineStart: 18 }}>
            {RELEASE_TYPES.map((type) => (
              <li key={type}>
                {t('policy.rules.approvalLine', {
                  type: t(`releases.types.${type}`),
                  roles: roles(rules.approvalAuthority[type]),
                })}
              </li>
            ))}
          </ul>
        </Rule>
      </Col>
      <Col {...col}>
        <Rule icon={<TeamOutlined />} title={t('policy.rules.intake')}>
          {t('policy.rules.intakeLine', { roles: roles(rules.intakeRoles) })}
        </Rule>
      </Col>
      <Col {...col}>
        <Rule icon={<FileDoneOutlined />} title={t('policy.rules.sections')} testId="policy-rule-sections">
          <Typography.Paragraph type="secondary" style={{ margin: '0 0 6px', fontSize: 12 }}>
            {t('policy.rules.sectionsLine')}
          </Typography.Paragraph>
          <Numbered items={sections(rules.requiredPlanSections)} />
        </Rule>
      </Col>
      <Col {...col}>
        <Rule icon={<FileDoneOutlined />} title={t('policy.rules.shortForm')}>
          <Typography.Paragraph type="secondary" style={{ margin: '0 0 6px', fontSize: 12 }}>
            {t('policy.rules.shortFormLine')}
          </Typography.Paragraph>
          <Numbered items={sections(rules.emergencyShortForm)} />
        </Rule>
      </Col>
      <Col {...col}>
        <Rule icon={<AuditOutlined />} title={t('policy.rules.checks')} testId="policy-rule-checks">
          <Typography.Paragraph type="secondary" style={{ margin: '0 0 6px', fontSize: 12 }}>
            {t('policy.rules.checksLine')}
          </Typography.Paragraph>
          <Numbered items={labels(rules.preReleaseChecks)} />
        </Rule>
      </Col>
      <Col {...col}>
        <Rule icon={<AuditOutlined />} title={t('policy.rules.verifications')}>
          <Numbered items={labels(rules.postReleaseVerifications)} />
        </Rule>
      </Col>
      <Col {...col}>
        <Rule
          icon={<ClockCircleOutlined />}
          title={t('policy.rules.deadlines')}
          testId="policy-rule-deadlines"
        >
          <ul style={{ margin: 0, paddingInlineStart: 18 }}>
            <li>{t('policy.rules.cmdbDeadline', { hours: rules.deadlines.cmdbUpdateHours })}</li>
            <li>
              {t('policy.rules.rollbackDeadline', { minutes: rules.deadlines.rollbackDecisionMinutes })}
            </li>
            {rules.deadlines.escalateMinutesBefore.map((m) => (
              <li key={m}>{t('policy.rules.escalation', { minutes: m })}</li>
            ))}
          </ul>
        </Rule>
      </Col>
      <Col {...col}>
        <Rule icon={<LineChartOutlined />} title={t('policy.rules.kpi')} testId="policy-rule-kpi">
          {t('policy.rules.kpiLine', { target: rules.successRateTarget })}
        </Rule>
      </Col>
      <Col {...col}>
        <Rule icon={<LineChartOutlined />} title={t('policy.rules.complaints')}>
          {t('policy.rules.complaintsLine', {
            count: rules.complaintThreshold.count,
            minutes: rules.complaintThreshold.withinMinutes,
          })}
        </Rule>
      </Col>
      <Col {...col}>
        <Rule icon={<TeamOutlined />} title={t('policy.rules.fourEyes')} testId="policy-rule-four-eyes">
          {rules.fourEyes ? t('policy.rules.fourEyesOn') : t('policy.rules.fourEyesOff')}
        </Rule>
      </Col>
      <Col {...col}>
        <Rule
          icon={<TeamOutlined />}
          title={t('policy.rules.intakeFourEyes')}
          testId="policy-rule-intake-four-eyes"
        >
          {rules.intakeFourEyes ? t('policy.rules.intakeFourEyesOn') : t('policy.rules.fourEyesOff')}
        </Rule>
      </Col>
      <Col {...col}>
        <Rule icon={<TeamOutlined />} title={t('policy.rules.cabQuorum')} testId="policy-rule-cab">
          {t('policy.rules.cabQuorumLine', { count: rules.cabQuorum })}
        </Rule>
      </Col>
      <Col {...col}>
        <Rule
          icon={<TeamOutlined />}
          title={t('policy.rules.emergencyCab')}
          testId="policy-rule-emergency-cab"
        >
          {t('policy.rules.emergencyCabLine', {
            count: (rules.emergencyCab ?? { quorum: 1 }).quorum,
            voters: roles((rules.emergencyCab ?? { voters: ['operations_manager'] }).voters),
          })}
        </Rule>
      </Col>
    </Row>
  );
}
