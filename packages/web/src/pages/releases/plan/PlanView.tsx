import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Card, Collapse, Descriptions, Divider, Flex, Tag, Typography } from 'antd';
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
import { PhoneTable } from '../../../common/PhoneTable';
import { sectionLabel } from '../../../common/ruleText';
import { usePhone } from '../../../common/usePhone';
import { useBaselines } from '../../cmdb/cmdb.api';
import { CiLinks } from '../CiLinks';
import { PlanSectionCard, SectionStatus } from './PlanSectionCard';
import { MonitoringBody, MonitoringView } from './MonitoringSection';
import type { PreviousPlan } from '../releases.api';
import { PlanStatusTag } from '../ReleaseTags';
import { changedParts, plannedMinutes, type PlanPart } from './planForm';
import { StepAssignee } from './StepAssignee';

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
    <PhoneTable<PlanStep & { no: number }>
      rowKey="no"
      size="small"
      pagination={false}
      dataSource={steps.map((s, i) => ({ ...s, no: i + 1 }))}
      locale={{ emptyText: t('plan.notFilled') }}
      data-testid={testId}
      columns={[
        { title: t('plan.stepNo'), dataIndex: 'no', width: 56 },
        { title: t('plan.stepTitle'), dataIndex: 'title' },
        {
          title: t('plan.stepOwner'),
          dataIndex: 'owner',
          width: 140,
          render: (owner: string, s) => (
            <Flex vertical gap={2} align="start">
              <span>{owner}</span>
              <StepAssignee username={s.assignee} />
            </Flex>
          ),
        },
        { title: t('plan.stepMinutes'), dataIndex: 'expectedMinutes', width: 130 },
        { title: t('plan.stepVerification'), dataIndex: 'verification' },
      ]}
    />
  );
}

/** What each section of a plan version shows, read-only. */
function useSectionBodies(content: PlanContent): Record<PlanSection, ReactNode> {
  const { t } = useTranslation();
  const baselines = useBaselines();
  const baseline = baselines.data?.find((b) => b.id === content.baseline?.baselineId);

  return {
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
      <PhoneTable
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
      <PhoneTable
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
                : (content.baseline?.baselineId ?? (
                    // A snapshot to compare against is optional: the targets below are the baseline.
                    <Typography.Text type="secondary">{t('plan.baselineNone')}</Typography.Text>
                  )),
            },
          ]}
        />
        <PhoneTable
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
        <PhoneTable
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
}

/**
 * A plan version as people read it: every section in order, nothing editable (PL-3). On a phone
 * (PL-2, issue #17) the sections are folded, and what changed since `since` comes first.
 */
export function PlanView({
  content,
  gaps,
  anchors = true,
  since,
}: {
  content: PlanContent;
  gaps?: SectionGap[];
  anchors?: boolean;
  /** The earlier version the approver compares with (the phone shows what changed since). */
  since?: PreviousPlan;
}) {
  const phone = usePhone();
  const body = useSectionBodies(content);
  if (phone) return <PhonePlanView content={content} gaps={gaps} since={since} body={body} />;
  const gapOf = new Map((gaps ?? []).map((g) => [g.section, g]));
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

/** A folded section's content, with room to spare at 360 px. */
const PANEL_BODY = { padding: '8px 8px 12px' };

/**
 * PL-2 on a phone: the parts changed since the earlier version first, each with what it said
 * before; then every part of the plan, folded, its completeness beside its name.
 */
function PhonePlanView({
  content,
  gaps,
  since,
  body,
}: {
  content: PlanContent;
  gaps?: SectionGap[];
  since?: PreviousPlan;
  body: Record<PlanSection, ReactNode>;
}) {
  const { t } = useTranslation();
  const before = useSectionBodies(since?.content ?? {});
  const gapOf = new Map((gaps ?? []).map((g) => [g.section, g]));
  const changed = since ? changedParts(since.content, content) : [];
  const parts: PlanPart[] = [...PLAN_SECTIONS, ...(content.monitoring ? (['monitoring'] as const) : [])];
  const label = (part: PlanPart) =>
    part === 'monitoring'
      ? `${PLAN_SECTIONS.length + 1}. ${t('plan.monitoring.title')}`
      : `${PLAN_SECTIONS.indexOf(part) + 1}. ${sectionLabel(t, part)}`;
  const show = (part: PlanPart, of: PlanContent, bodies: Record<PlanSection, ReactNode>) =>
    part === 'monitoring' ? <MonitoringBody monitoring={of.monitoring} /> : bodies[part];
  const changedTag = (
    <Tag color="processing" style={{ marginInlineEnd: 0 }}>
      {t('plan.changed')}
    </Tag>
  );
  return (
    <div data-testid="plan-view">
      {since && (
        <Card
          size="small"
          title={
            <Flex gap={8} align="center" wrap>
              <Typography.Text strong style={{ whiteSpace: 'normal' }}>
                {t('plan.changesSince', { version: since.version })}
              </Typography.Text>
              <PlanStatusTag status={since.status} />
            </Flex>
          }
          style={{ marginBottom: 16 }}
          data-testid="plan-changes"
        >
          {changed.length === 0 ? (
            <Typography.Text type="secondary">{t('plan.noChanges')}</Typography.Text>
          ) : (
            <Collapse
              size="small"
              styles={{ body: PANEL_BODY }}
              items={changed.map((part) => ({
                key: part,
                label: <span data-testid={`plan-change-${part}`}>{label(part)}</span>,
                extra: changedTag,
                children: (
                  <>
                    {show(part, content, body)}
                    <Divider plain style={{ margin: '12px 0 8px', fontSize: 12 }}>
                      {t('plan.before', {
                        version: since.version,
                        status: t(`plan.statuses.${since.status}`),
                      })}
                    </Divider>
                    <div style={{ opacity: 0.65 }} data-testid={`plan-before-${part}`}>
                      {show(part, since.content, before)}
                    </div>
                  </>
                ),
              }))}
            />
          )}
        </Card>
      )}
      <Collapse
        size="small"
        styles={{ body: PANEL_BODY }}
        style={{ marginBottom: 16 }}
        data-testid="plan-sections"
        items={parts.map((part) => {
          const gap = part === 'monitoring' ? undefined : gapOf.get(part);
          return {
            key: part,
            label: <span data-testid={`plan-part-${part}`}>{label(part)}</span>,
            extra: (
              <Flex gap={4}>
                {changed.includes(part) && changedTag}
                {gaps !== undefined && part !== 'monitoring' && <SectionStatus gap={gap} />}
              </Flex>
            ),
            children: show(part, content, body),
          };
        })}
      />
    </div>
  );
}
