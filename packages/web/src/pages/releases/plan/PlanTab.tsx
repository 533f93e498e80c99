import { Alert, Card, Empty, Flex, Progress, Spin, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { PLAN_SECTIONS, type ReleaseDetail } from '../../../api/types';
import { ErrorAlert } from '../../../common/ErrorAlert';
import { blockerText, sectionLabel } from '../../../common/ruleText';
import { ActionButton } from '../ActionButton';
import { onlyStateBlocked, PLAN_ACTIONS, useReleaseActions } from '../releaseActions';
import { usePlans, usePreviousPlan } from '../releases.api';
import { PlanStatusTag } from '../ReleaseTags';
import { ConflictsCard } from './ConflictsCard';
import { PlanEditor } from './PlanEditor';
import { PlanExportButton } from './PlanExportButton';
import { PlanHistory } from './PlanHistory';
import { PlanView } from './PlanView';
import { sectionAnchor } from './PlanSectionCard';
import { PersonName } from '../../../common/people';
import { usePhone } from '../../../common/usePhone';

/** 发布计划: the current version, its completeness and conflicts, the editor or the read-only plan, and the versions. */
export function PlanTab({ release }: { release: ReleaseDetail }) {
  const { t } = useTranslation();
  const { availability } = useReleaseActions();
  const plans = usePlans(release.id);
  const phone = usePhone();
  // PL-2: on a phone the approver reads what changed since the plan was last decided (issue #17).
  const previous = usePreviousPlan(release.id, { enabled: phone });
  // Disabled on a desktop, the comparison stays pending there: the phone alone waits for it.
  if (plans.isPending || (phone && previous.isPending)) return <Spin />;
  if (plans.error) return <ErrorAlert error={plans.error} />;
  const latest = plans.data[0] ?? null;
  const summary = release.plan;
  const edit = availability('edit_plan');
  // TY-4: an emergency release's approved short form is completed here, in any state up to close.
  const complete = availability('complete_plan');
  // While the editor is open its own bar saves and submits.
  const actions = PLAN_ACTIONS.map(availability).filter(
    (a) => !onlyStateBlocked(a) && !(edit.allowed && a.action === 'submit_plan'),
  );
  const reading = !edit.allowed && !(complete.allowed && latest) && latest !== null;
  // On a phone the approver reads the plan (what changed first), then its conflicts (issue #17).
  const conflictsLast = phone && reading;
  const editBlocked = edit.blockers.some((b) => b.kind !== 'state');
  const total = PLAN_SECTIONS.length;
  const done = summary ? total - summary.gaps.length : 0;

  return (
    <div data-testid="plan-tab">
      {summary && (
        <Card size="small" style={{ marginBottom: 16 }} data-testid="plan-summary">
          <Flex justify="space-between" align="center" gap={16} wrap>
            <Flex vertical gap={4} style={{ minWidth: 280, flex: '1 1 320px' }}>
              <Flex gap={8} align="center" wrap={phone}>
                <Typography.Text strong style={{ fontSize: 16 }}>
                  {t('plan.versionTitle', { version: summary.version })}
                </Typography.Text>
                <PlanStatusTag status={summary.status} testId="plan-status" />
                <Typography.Text type="secondary">
                  {t('plan.drafter')}
                  {t('common.colon')}
                  <PersonName username={summary.drafterName} />
                </Typography.Text>
              </Flex>
              <Flex gap={12} align="center">
                <Typography.Text type="secondary">{t('plan.completeness')}</Typography.Text>
                <Progress
                  percent={Math.round((done / total) * 100)}
                  steps={total}
                  size="small"
                  strokeColor="#52c41a"
                  format={() => t('plan.completeCount', { done, total })}
                  data-testid="plan-completeness"
                />
              </Flex>
              {summary.gaps.length > 0 && (
                <Flex gap={4} wrap align="center">
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('plan.sectionMissing')}
                    {t('common.colon')}
                  </Typography.Text>
                  {summary.gaps.map((g) => (
                    <Tag
                      key={g.section}
                      color="warning"
                      style={{ marginInlineEnd: 0, cursor: 'pointer' }}
                      onClick={() =>
                        document
                          .getElementById(sectionAnchor(g.section))
                          ?.scrollIntoView({ behavior: 'smooth' })
                      }
                    >
                      {sectionLabel(t, g.section)}
                    </Tag>
                  ))}
                </Flex>
              )}
            </Flex>
            {/* On a phone the decisions are full-width buttons (PL-2, issue #17). */}
            <Flex gap={8} wrap vertical={phone} style={phone ? { width: '100%' } : undefined}>
              {actions.map((a) =>
                phone ? (
                  <ActionButton key={a.action} action={a.action} block size="large" />
                ) : (
                  <ActionButton key={a.action} action={a.action} />
                ),
              )}
              <PlanExportButton releaseId={release.id} number={release.number} version={summary.version} />
            </Flex>
          </Flex>
          {release.state === 'plan_review' && (
            <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0', fontSize: 12 }}>
              {t('plan.approvalHelp')}
            </Typography.Paragraph>
          )}
        </Card>
      )}

      {summary && !conflictsLast && <ConflictsCard release={release} />}

      {edit.allowed ? (
        // Keyed by version: the first save creates version 1 without losing what is on screen.
        <PlanEditor key={latest?.version ?? 1} release={release} plan={latest} />
      ) : complete.allowed && latest ? (
        <PlanEditor key={`completion-${latest.version}`} release={release} plan={latest} completion />
      ) : latest ? (
        <>
          {/* A phone has the plan's status in the summary above; only why it cannot be edited. */}
          {(!phone || editBlocked) && (
            <Alert
              type="info"
              showIcon
              style={{ marginBottom: 16 }}
              title={t('plan.readOnly', {
                version: latest.version,
                status: t(`plan.statuses.${latest.status}`),
              })}
              description={
                editBlocked ? (
                  <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                    {edit.blockers.map((b, i) => (
                      <li key={i}>{blockerText(t, b, release.changes)}</li>
                    ))}
                  </ul>
                ) : undefined
              }
            />
          )}
          <PlanView content={latest.content} gaps={summary?.gaps} since={previous.data ?? undefined} />
        </>
      ) : (
        <Empty description={t('plan.noPlan')} style={{ padding: 32 }}>
          <Typography.Paragraph type="secondary">{t('plan.noPlanHelp')}</Typography.Paragraph>
          <ul style={{ display: 'inline-block', textAlign: 'start', margin: 0 }}>
            {edit.blockers.map((b, i) => (
              <li key={i}>
                <Typography.Text type="secondary">{blockerText(t, b, release.changes)}</Typography.Text>
              </li>
            ))}
          </ul>
        </Empty>
      )}

      {summary && conflictsLast && <ConflictsCard release={release} />}
      {plans.data.length > 0 && <PlanHistory plans={plans.data} number={release.number} />}
    </div>
  );
}
