import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Descriptions, Flex, Table, Tag, Typography } from 'antd';
import { CalendarOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import {
  PLAN_SECTIONS,
  type PlanContent,
  type PlanSection,
  type PlanStep,
  type SectionGap,
} from '../../../api/types';
import { formatMinute } from '../../../common/format';
import { useBaselines } from '../../cmdb/cmdb.api';
import { CiLinks } from '../CiLinks';
import { PlanSectionCard } from './PlanSectionCard';
import { MonitoringView } from './MonitoringSection';
import { plannedMinutes } from './planForm';

function Text({ value }: { value?: string | null }) {
  const { t } = useTranslation();
  return value?.trim() ? (
    <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{value}</Typography.Paragraph>
  ) : (
    <Typography.Text type="secondary">{t('plan.notFilled')}</Typography.Text>
  );
}

function StepsTable({ steps, testId }: { steps: PlanStep[]; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Table<PlanStep & { no: number }>
      rowKey="no"
      size="small"
      pagination={false}
      dataSource={steps.map((s, i) => ({ ...s, no: i + 1 }))}
      locale={{ emptyText: t('plan.notFilled') }}
      data-testid={testId}
      columns={[
        { title: t('plan.stepNo'), dataIndex: 'no', width: 56 },
        { title: t('plan.stepTitle'), dataIndex: 'title' },
        { title: t('plan.stepOwner'), dataIndex: 'owner', width: 120 },
        { title: t('plan.stepMinutes'), dataIndex: 'expectedMinutes', width: 130 },
        { title: t('plan.stepVerification'), dataIndex: 'verification' },
      ]}
    />
  );
}

/** A plan version as people read it: every section in order, nothing editable (PL-3). */
export function PlanView({
  content,
  gaps,
  anchors = true,
}: {
  content: PlanContent;
  gaps?: SectionGap[];
  anchors?: boolean;
}) {
  const { t } = useTranslation();
  const baselines = useBaselines();
  const baseline = baselines.data?.find((b) => b.id === content.baseline?.baselineId);
  const gapOf = new Map((gaps ?? []).map((g) => [g.section, g]));

  const body: Record<PlanSection, ReactNode> = {
    purpose: <Text value={content.purpose} />,
    scope: (
      <Descriptions
        size="small"
        column={1}
        items={[
          { key: 'cis', label: t('plan.scopeCis'), children: <CiLinks ids={content.scope?.ciIds ?? []} /> },
          {
            key: 'services',
            label: t('plan.scopeServices'),
            children: <CiLinks ids={content.scope?.services ?? []} />,
          },
          { key: 'users', label: t('plan.scopeUsers'), children: <Text value={content.scope?.users} /> },
          {
            key: 'downtime',
            label: t('plan.downtime'),
            children: content.scope?.downtimeMinutes ?? <Text />,
          },
          ...(content.scope?.notes
            ? [{ key: 'notes', label: t('plan.scopeNotes'), children: <Text value={content.scope.notes} /> }]
            : []),
        ]}
      />
    ),
    participants: (
      <Table
        rowKey={(_, i) => String(i)}
        size="small"
        pagination={false}
        dataSource={content.participants ?? []}
        locale={{ emptyText: t('plan.notFilled') }}
        columns={[
          { title: t('plan.participantName'), dataIndex: 'name', width: 140 },
          { title: t('plan.participantRole'), dataIndex: 'role', width: 180 },
          { title: t('plan.participantResponsibility'), dataIndex: 'responsibility' },
        ]}
      />
    ),
    risks: (
      <Table
        rowKey={(_, i) => String(i)}
        size="small"
        pagination={false}
        dataSource={content.risks ?? []}
        locale={{ emptyText: t('plan.notFilled') }}
        columns={[
          {
            title: t('plan.riskCategory'),
            dataIndex: 'category',
            width: 100,
            render: (c: string) => <Tag>{t(`plan.riskCategories.${c}`, { defaultValue: c })}</Tag>,
          },
          { title: t('plan.riskDescription'), dataIndex: 'description' },
          {
            title: t('plan.likelihood'),
            dataIndex: 'likelihood',
            width: 80,
            render: (l: string) => t(`plan.levels.${l}`, { defaultValue: l }),
          },
          {
            title: t('plan.impact'),
            dataIndex: 'impact',
            width: 80,
            render: (l: string) => t(`plan.levels.${l}`, { defaultValue: l }),
          },
          { title: t('plan.response'), dataIndex: 'response' },
        ]}
      />
    ),
    baseline: (
      <>
        <Descriptions
          size="small"
          column={1}
          style={{ marginBottom: 8 }}
          items={[
            {
              key: 'baseline',
              label: t('plan.baselineId'),
              children: baseline
                ? `${baseline.name} · ${formatMinute(baseline.takenAt)}`
                : (content.baseline?.baselineId ?? <Text />),
            },
          ]}
        />
        <Table
          rowKey={(_, i) => String(i)}
          size="small"
          pagination={false}
          dataSource={content.baseline?.targets ?? []}
          locale={{ emptyText: t('plan.notFilled') }}
          columns={[
            { title: t('plan.targetCi'), dataIndex: 'ciId', render: (id: string) => <CiLinks ids={[id]} /> },
            {
              title: t('plan.currentVersion'),
              dataIndex: 'currentVersion',
              width: 160,
              render: (v: string | null) => <span className="rg-mono">{v ?? '—'}</span>,
            },
            {
              title: t('plan.targetVersion'),
              dataIndex: 'targetVersion',
              width: 160,
              render: (v: string) => <span className="rg-mono">{v}</span>,
            },
          ]}
        />
      </>
    ),
    post_deployment: <Text value={content.postDeployment} />,
    window: content.window ? (
      <Flex gap={16} align="center" wrap>
        <span data-testid="plan-view-window">
          {formatMinute(content.window.start)} – {formatMinute(content.window.end)}
        </span>
        <Link to={`/calendar?month=${dayjs(content.window.start).format('YYYY-MM')}`}>
          <CalendarOutlined /> {t('plan.openCalendar')}
        </Link>
      </Flex>
    ) : (
      <Text />
    ),
    resources: <Text value={content.resources} />,
    steps: (
      <>
        <StepsTable steps={content.steps ?? []} testId="plan-view-steps" />
        <Typography.Text type="secondary" style={{ display: 'block', marginTop: 8 }}>
          {t('plan.totalMinutes', { minutes: plannedMinutes(content.steps) })}
        </Typography.Text>
      </>
    ),
    rollback: (
      <>
        <Typography.Text strong>{t('plan.rollbackSteps')}</Typography.Text>
        <div style={{ margin: '8px 0 16px' }}>
          <StepsTable steps={content.rollback?.steps ?? []} />
        </div>
        <Typography.Text strong>{t('plan.triggers')}</Typography.Text>
        <Table
          rowKey={(_, i) => String(i)}
          size="small"
          pagination={false}
          style={{ marginTop: 8 }}
          dataSource={content.rollback?.triggers ?? []}
          locale={{ emptyText: t('plan.notFilled') }}
          columns={[
            { title: t('plan.indicator'), dataIndex: 'indicator' },
            { title: t('plan.threshold'), dataIndex: 'threshold' },
          ]}
        />
      </>
    ),
  };

  return (
    <div data-testid="plan-view">
      {PLAN_SECTIONS.map((section, index) => (
        <PlanSectionCard
          key={section}
          section={section}
          index={index + 1}
          gap={gapOf.get(section)}
          judged={gaps !== undefined}
          anchor={anchors}
        >
          {body[section]}
        </PlanSectionCard>
      ))}
      {content.monitoring && (
        <MonitoringView monitoring={content.monitoring} index={PLAN_SECTIONS.length + 1} />
      )}
    </div>
  );
}
