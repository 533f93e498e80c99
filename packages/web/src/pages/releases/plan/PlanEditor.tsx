import { useState } from 'react';
import { Alert, Button, Card, Col, Flex, Form, Input, Row, Select, Tag, Tooltip, Typography } from 'antd';
import { BeijingDatePicker } from '../../../common/beijingPickers';
import type { FormListFieldData } from 'antd';
import { AimOutlined, CameraOutlined, ImportOutlined, SaveOutlined, SendOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../../api/client';
import {
  PLAN_SECTIONS,
  type Blocker,
  type PlanSection,
  type PlanVersion,
  type ReleaseDetail,
  type ResourceAssessment,
  type RiskAssessment,
  type SectionGap,
} from '../../../api/types';
import { ErrorAlert } from '../../../common/ErrorAlert';
import { formatMinute } from '../../../common/format';
import { numberRule, showFieldErrors } from '../../../common/forms';
import { NumberInput } from '../../../common/NumberInput';
import { NUMBER_LIMITS } from '../../../common/numbers';
import { blockerText, gapReason, ruleLabel, sectionLabel } from '../../../common/ruleText';
import { TakeBaselineModal } from '../../cmdb/baselines/TakeBaselineModal';
import { CiSelect } from '../../cmdb/CiSelect';
import { ciQuery, impactOfCis, useBaselines } from '../../cmdb/cmdb.api';
import { releasesQueryKey, saveCompletion, savePlan, submitPlan } from '../releases.api';
import { useReleasePolicy } from '../useReleasePolicy';
import { PersonSelect, usePeople } from '../../../common/people';
import { useAuth } from '../../../auth/AuthContext';
import { useReleaseActions } from '../releaseActions';
import { useRiskColumns } from '../riskColumns';
import { CellItem, FormListTable } from './FormListTable';
import { MONITORING_ANCHOR, MonitoringSection } from './MonitoringSection';
import { PlanSectionCard, sectionAnchor } from './PlanSectionCard';
import {
  contentKey,
  initialContent,
  latestAssessment,
  plannedMinutes,
  resourcesText,
  toContent,
  toFormValues,
  type PlanFormValues,
} from './planForm';
import { textLimit } from '../../../common/textLimit';
import { useUnsavedChangesGuard } from '../../../common/useUnsavedChangesGuard';
import { useFeedback } from '../../../common/feedback';

/** Blockers of submission that saving the draft may change: the server judges them after the save. */
const DRAFT_RULES = new Set<Blocker['code']>(['plan_sections', 'emergency_short_form', 'schedule_conflicts']);

export const CONFLICTS_ANCHOR = 'plan-conflicts';

/** An error pattern's message (`monitoring.errorPatterns.2`) goes to the one field holding them all. */
const patternFields = (fields: Record<string, string[]>) =>
  Object.fromEntries(
    Object.keys(fields)
      .filter((k) => /^monitoring\.errorPatterns\.\d+$/.test(k))
      .map((k) => [k, 'monitoring.errorPatterns']),
  );

/** The form's values as `contentKey`; undefined before the form holds any (useWatch's first call). */
const watchedContentKey = (values: Partial<PlanFormValues>) =>
  Object.keys(values).length === 0 ? undefined : contentKey(values as PlanFormValues);

function scrollTo(id: string) {
  document.getElementById(id)?.scrollIntoView({ behavior: 'smooth', block: 'start' });
}

/**
 * 发布计划 editor (PL-1): one card per section, pre-filled from the release, its assessments and
 * the CMDB; saved as a draft, or saved and submitted — a refusal outlines each missing section.
 */
export function PlanEditor({
  release,
  plan,
  completion = false,
}: {
  release: ReleaseDetail;
  plan: PlanVersion | null;
  /** TY-4: completing an emergency release's approved short form (saved, then approved apart). */
  completion?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const riskColumns = useRiskColumns();
  const { message } = useFeedback();
  const queryClient = useQueryClient();
  const { availability } = useReleaseActions();
  const [form] = Form.useForm<PlanFormValues>();
  const nameOf = usePeople();
  const [initial] = useState(() => toFormValues(plan?.content ?? initialContent(release)));
  // Unsaved changes: the plan as it would be saved differs from the one last saved (or pre-filled
  // on opening). Compared in saved form, so the form's own normalisation is no change.
  const [savedKey, setSavedKey] = useState(() => contentKey(initial));
  const currentKey = Form.useWatch(watchedContentKey, { form, preserve: true });
  const dirty = currentKey !== undefined && currentKey !== savedKey;
  useUnsavedChangesGuard(dirty);
  const [busy, setBusy] = useState<'save' | 'submit' | null>(null);
  const [missing, setMissing] = useState<{ rule: string; gaps: SectionGap[] } | null>(null);
  const [conflictsBlock, setConflictsBlock] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [takingBaseline, setTakingBaseline] = useState(false);
  const [filling, setFilling] = useState(false);
  const baselines = useBaselines();
  const steps = Form.useWatch('steps', form);
  const windowRange = Form.useWatch('window', form);

  // TY-4: the sections an emergency plan may be approved with (the rest is due before close).
  const rules = useReleasePolicy(release).data?.document.rules;
  const shortForm = rules?.emergencyShortForm;
  const { session } = useAuth();
  // TY-4, RO-5: who will approve, said while drafting: the drafter holding the authority may
  // approve an emergency only when the policy says so (then someone else reviews it afterwards).
  const authority = rules && release.type ? rules.approvalAuthority[release.type] : [];
  const drafterIsAuthority = authority.some((role) => session.user.roles.includes(role));
  const approverNote =
    release.type !== 'emergency' || !rules
      ? null
      : drafterIsAuthority && rules.fourEyes
        ? rules.emergencySelfApprovalWithReview === false
          ? t('plan.approverAnotherManager')
          : t('plan.approverSelfWithReview')
        : t('plan.approverRoles', {
            roles: authority.map((r) => t(`roles.${r}`)).join(t('policy.listSeparator')),
          });
  const gaps = new Map((release.plan?.gaps ?? []).map((g) => [g.section, g]));
  const missingBySection = new Map((missing?.gaps ?? []).map((g) => [g.section, g]));
  const submitAvailability = availability('submit_plan');
  const lasting: Blocker[] = submitAvailability.blockers.filter((b) => !DRAFT_RULES.has(b.code));
  const refresh = () => queryClient.invalidateQueries({ queryKey: releasesQueryKey });

  const save = async () => {
    const content = toContent(form.getFieldsValue(true) as PlanFormValues);
    await (completion ? saveCompletion : savePlan)(release.id, content);
    setSavedKey(JSON.stringify(content));
  };

  const run = async (submit: boolean) => {
    setBusy(submit ? 'submit' : 'save');
    setFailure(null);
    setMissing(null);
    setConflictsBlock(false);
    try {
      await save();
      if (submit) {
        await submitPlan(release.id);
        void message.success(t('plan.submitted'));
      } else void message.success(t('plan.saved'));
    } catch (error) {
      const gapsMissing = isApiError(error) ? error.detail('missing') : undefined;
      const rule = isApiError(error) ? error.detail('ruleCode') : undefined;
      if (Array.isArray(gapsMissing) && gapsMissing.length > 0) {
        const list = gapsMissing as SectionGap[];
        setMissing({ rule: typeof rule === 'string' ? rule : 'plan_sections', gaps: list });
        const blockers = isApiError(error) ? error.detail('blockers') : undefined;
        const others = Array.isArray(blockers) ? (blockers as Blocker[]).filter((b) => !b.missing) : [];
        if (others.length > 0) setFailure(error);
        setConflictsBlock(others.some((b) => b.code === 'schedule_conflicts'));
        scrollTo('plan-submit-refused');
      } else if (rule === 'schedule_conflicts') {
        setConflictsBlock(true);
        scrollTo(CONFLICTS_ANCHOR);
      } else if (
        isApiError(error) &&
        showFieldErrors(form, error, i18n.language, patternFields(error.fields))
      ) {
        // The messages stand next to their fields (the monitoring section's, for instance).
        if (Object.keys(error.fields).some((k) => k.startsWith('monitoring.'))) scrollTo(MONITORING_ANCHOR);
      } else {
        setFailure(error);
        scrollTo('plan-editor-top');
      }
    } finally {
      setBusy(null);
      void refresh();
    }
  };

  /** 影响范围: the release's targets plus everything they affect in the CMDB (CM-2). */
  const fillScope = async () => {
    const current = (form.getFieldValue(['scope', 'ciIds']) as string[] | undefined) ?? [];
    const seeds = [...new Set([...release.targetCiIds, ...current])];
    if (seeds.length === 0) return;
    setFilling(true);
    try {
      const impact = await impactOfCis(seeds);
      const affected = impact.affected.map((a) => a.id).filter((id) => !seeds.includes(id));
      form.setFieldValue(['scope', 'ciIds'], [...seeds, ...affected]);
      const services = (form.getFieldValue(['scope', 'services']) as string[] | undefined) ?? [];
      form.setFieldValue(['scope', 'services'], [...new Set([...services, ...impact.services])]);
      void message.success(
        t('plan.scopeFilled', { count: seeds.length + affected.length, affected: affected.length }),
      );
    } catch (error) {
      setFailure(error);
    } finally {
      setFilling(false);
    }
  };

  const riskAssessment = latestAssessment<RiskAssessment>(release, 'risk');
  const fillRisks = () => {
    if (!riskAssessment) return;
    form.setFieldValue(
      'risks',
      riskAssessment.risks.map((r) => ({ ...r })),
    );
    void message.success(t('plan.risksFilled', { count: riskAssessment.risks.length }));
  };

  const resourceAssessment = latestAssessment<ResourceAssessment>(release, 'resource');
  const fillResources = () => {
    if (!resourceAssessment) return;
    form.setFieldValue(
      'resources',
      resourcesText(resourceAssessment, {
        technical: t('assessment.technical'),
        people: t('assessment.people'),
        time: t('assessment.estimateHours'),
        hours: 'h',
      }),
    );
  };

  const ciVersion = async (id: string) => {
    const ci = await queryClient.fetchQuery(ciQuery(id));
    return ci.version;
  };

  /**
   * 配置基线 targets: one row per CI the release changes (its targets and its items' CIs; the
   * scope when it names none), with the current version from the CMDB. The CIs the change merely
   * affects stay in the scope: they get no new version.
   */
  const fillTargets = async () => {
    const changed = [...new Set([...release.targetCiIds, ...release.items.flatMap((i) => i.ciIds)])];
    const scope =
      changed.length > 0 ? changed : ((form.getFieldValue(['scope', 'ciIds']) as string[] | undefined) ?? []);
    const rows = (form.getFieldValue(['baseline', 'targets']) as PlanFormValues['baseline']['targets']) ?? [];
    const have = new Set(rows.map((r) => r.ciId));
    const added = await Promise.all(
      scope
        .filter((id) => !have.has(id))
        .map(async (ciId) => ({
          ciId,
          currentVersion: await ciVersion(ciId).catch(() => null),
          targetVersion: '',
        })),
    );
    form.setFieldValue(['baseline', 'targets'], [...rows, ...added]);
  };

  const onValuesChange = (changed: Partial<PlanFormValues>) => {
    // A target CI chosen by hand: its current version comes from the CMDB.
    const targets = changed.baseline?.targets;
    if (Array.isArray(targets))
      targets.forEach((row, index) => {
        if (row && 'ciId' in row && row.ciId) {
          const id = row.ciId;
          void ciVersion(id).then((version) =>
            form.setFieldValue(['baseline', 'targets', index, 'currentVersion'], version ?? ''),
          );
        }
      });
  };

  const [start, end] = windowRange ?? [null, null];
  const windowMinutes = start && end ? end.diff(start, 'minute') : null;
  const planned = plannedMinutes(steps);
  // IM-2, RO-3: choosing the step's assignee names them as its owner too, when no owner is written yet.
  const ownerFromAssignee = (list: 'steps' | 'rollback', row: number, username: string | undefined) => {
    const owner: ['steps', number, 'owner'] | ['rollback', 'steps', number, 'owner'] =
      list === 'steps' ? ['steps', row, 'owner'] : ['rollback', 'steps', row, 'owner'];
    if (username && !String(form.getFieldValue(owner) ?? '').trim())
      form.setFieldValue(owner, nameOf(username));
  };
  const stepColumns = (prefix: string, list: 'steps' | 'rollback') => [
    {
      key: 'title',
      title: t('plan.stepTitle'),
      width: 240,
      render: (f: FormListFieldData, i: number) => (
        <CellItem field={f} name="title">
          <Input aria-label={`${prefix}${t('plan.stepTitle')} ${i + 1}`} count={textLimit(200)} />
        </CellItem>
      ),
    },
    {
      key: 'owner',
      title: t('plan.stepOwner'),
      width: 120,
      render: (f: FormListFieldData, i: number) => (
        <CellItem field={f} name="owner">
          <Input aria-label={`${prefix}${t('plan.stepOwner')} ${i + 1}`} count={textLimit(100)} />
        </CellItem>
      ),
    },
    {
      key: 'assignee',
      title: (
        <Tooltip title={t('plan.stepAssigneeHelp')}>
          <span>{t('plan.stepAssignee')}</span>
        </Tooltip>
      ),
      width: 180,
      render: (f: FormListFieldData, i: number) => (
        <CellItem field={f} name="assignee">
          <PersonSelect
            aria-label={`${prefix}${t('plan.stepAssignee')} ${i + 1}`}
            placeholder={t('plan.stepAssigneeNone')}
            style={{ width: '100%' }}
            onChange={(username) => ownerFromAssignee(list, f.name, username)}
          />
        </CellItem>
      ),
    },
    {
      key: 'minutes',
      title: t('plan.stepMinutes'),
      width: 130,
      render: (f: FormListFieldData, i: number) => (
        <CellItem field={f} name="expectedMinutes" rules={[numberRule(t, NUMBER_LIMITS.planStepMinutes)]}>
          <NumberInput aria-label={`${prefix}${t('plan.stepMinutes')} ${i + 1}`} style={{ width: '100%' }} />
        </CellItem>
      ),
    },
    {
      key: 'verification',
      title: t('plan.stepVerification'),
      width: 260,
      render: (f: FormListFieldData, i: number) => (
        <CellItem field={f} name="verification">
          <Input aria-label={`${prefix}${t('plan.stepVerification')} ${i + 1}`} count={textLimit(2000)} />
        </CellItem>
      ),
    },
  ];
  const newStep = () => ({ title: '', owner: '', expectedMinutes: undefined, verification: '' });

  const sectionBody: Record<PlanSection, { extra?: React.ReactNode; body: React.ReactNode }> = {
    purpose: {
      body: (
        <Form.Item name="purpose" style={{ marginBottom: 0 }}>
          <Input.TextArea
            aria-label={sectionLabel(t, 'purpose')}
            autoSize={{ minRows: 2, maxRows: 8 }}
            count={textLimit(10_000)}
            placeholder={t('plan.purposePlaceholder')}
          />
        </Form.Item>
      ),
    },
    scope: {
      extra: (
        <Button
          size="small"
          icon={<AimOutlined />}
          loading={filling}
          onClick={() => void fillScope()}
          data-testid="plan-fill-scope"
        >
          {t('plan.scopeFill')}
        </Button>
      ),
      body: (
        <Row gutter={16}>
          <Col xs={24} lg={12}>
            <Form.Item name={['scope', 'ciIds']} label={t('plan.scopeCis')}>
              <CiSelect multiple data-testid="plan-scope-cis" />
            </Form.Item>
          </Col>
          <Col xs={24} lg={12}>
            <Form.Item name={['scope', 'services']} label={t('plan.scopeServices')}>
              <CiSelect multiple />
            </Form.Item>
          </Col>
          <Col xs={24} lg={12}>
            <Form.Item name={['scope', 'users']} label={t('plan.scopeUsers')}>
              <Input count={textLimit(2000)} placeholder={t('plan.scopeUsersPlaceholder')} />
            </Form.Item>
          </Col>
          <Col xs={24} lg={12}>
            <Form.Item
              name={['scope', 'downtimeMinutes']}
              label={t('plan.downtime')}
              extra={t('plan.downtimeHelp')}
              rules={[numberRule(t, NUMBER_LIMITS.planDowntimeMinutes)]}
            >
              <NumberInput style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name={['scope', 'notes']} label={t('plan.scopeNotes')} style={{ marginBottom: 0 }}>
              <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} count={textLimit(4000)} />
            </Form.Item>
          </Col>
        </Row>
      ),
    },
    participants: {
      body: (
        <FormListTable
          name="participants"
          addText={t('plan.addParticipant')}
          newRow={() => ({ name: '', role: '', responsibility: '' })}
          testId="plan-participants"
          columns={[
            {
              key: 'name',
              title: t('plan.participantName'),
              width: 140,
              render: (f, i) => (
                <CellItem field={f} name="name">
                  <Input aria-label={`${t('plan.participantName')} ${i + 1}`} count={textLimit(100)} />
                </CellItem>
              ),
            },
            {
              key: 'role',
              title: t('plan.participantRole'),
              width: 180,
              render: (f, i) => (
                <CellItem field={f} name="role">
                  <Input aria-label={`${t('plan.participantRole')} ${i + 1}`} count={textLimit(100)} />
                </CellItem>
              ),
            },
            {
              key: 'responsibility',
              title: t('plan.participantResponsibility'),
              width: 420,
              render: (f, i) => (
                <CellItem field={f} name="responsibility">
                  <Input
                    aria-label={`${t('plan.participantResponsibility')} ${i + 1}`}
                    count={textLimit(1000)}
                  />
                </CellItem>
              ),
            },
          ]}
        />
      ),
    },
    risks: {
      extra: (
        <Tooltip title={riskAssessment ? undefined : t('plan.noRiskAssessment')}>
          <Button size="small" icon={<ImportOutlined />} disabled={!riskAssessment} onClick={fillRisks}>
            {t('plan.fillRisks')}
          </Button>
        </Tooltip>
      ),
      body: (
        <FormListTable
          name="risks"
          addText={t('plan.addRisk')}
          newRow={() => ({
            category: 'technical',
            likelihood: 'medium',
            impact: 'medium',
            description: '',
            response: '',
          })}
          testId="plan-risks"
          columns={riskColumns}
        />
      ),
    },
    baseline: {
      body: (
        <>
          <Flex gap={8} align="flex-end" wrap style={{ marginBottom: 12 }}>
            <Form.Item
              name={['baseline', 'baselineId']}
              label={t('plan.baselineId')}
              style={{ marginBottom: 0, flex: '1 1 320px' }}
            >
              <Select<string>
                allowClear
                loading={baselines.isPending}
                placeholder={t('plan.baselinePlaceholder')}
                options={(baselines.data ?? []).map((b) => ({
                  value: b.id,
                  label: `${b.name} · ${formatMinute(b.takenAt)} · ${b.ciCount}`,
                }))}
                data-testid="plan-baseline-select"
              />
            </Form.Item>
            <Button
              icon={<CameraOutlined />}
              onClick={() => setTakingBaseline(true)}
              data-testid="plan-take-baseline"
            >
              {t('plan.takeBaseline')}
            </Button>
          </Flex>
          <Flex justify="space-between" align="center" style={{ marginBottom: 8 }}>
            <Typography.Text strong>{t('plan.targets')}</Typography.Text>
            <Button size="small" onClick={() => void fillTargets()} data-testid="plan-fill-targets">
              {t('plan.fillTargets')}
            </Button>
          </Flex>
          <FormListTable
            name={['baseline', 'targets']}
            addText={t('plan.addTarget')}
            newRow={() => ({ ciId: undefined, currentVersion: '', targetVersion: '' })}
            testId="plan-baseline-targets"
            columns={[
              {
                key: 'ci',
                title: t('plan.targetCi'),
                width: 300,
                render: (f, i) => (
                  <CellItem field={f} name="ciId">
                    <CiSelect aria-label={`${t('plan.targetCi')} ${i + 1}`} />
                  </CellItem>
                ),
              },
              {
                key: 'current',
                title: t('plan.currentVersion'),
                width: 160,
                render: (f, i) => (
                  <CellItem field={f} name="currentVersion">
                    <Input aria-label={`${t('plan.currentVersion')} ${i + 1}`} count={textLimit(100)} />
                  </CellItem>
                ),
              },
              {
                key: 'target',
                title: t('plan.targetVersion'),
                width: 160,
                render: (f, i) => (
                  <CellItem field={f} name="targetVersion">
                    <Input
                      aria-label={`${t('plan.targetVersion')} ${i + 1}`}
                      count={textLimit(100)}
                      placeholder={t('plan.targetVersionPlaceholder')}
                    />
                  </CellItem>
                ),
              },
            ]}
          />
          <Form.Item
            name={['baseline', 'noChangeReason']}
            label={t('plan.noChangeReason')}
            extra={t('plan.noChangeReasonHelp')}
            style={{ marginTop: 12, marginBottom: 0 }}
          >
            <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} maxLength={2000} showCount />
          </Form.Item>
        </>
      ),
    },
    post_deployment: {
      body: (
        <Form.Item name="postDeployment" style={{ marginBottom: 0 }}>
          <Input.TextArea
            aria-label={sectionLabel(t, 'post_deployment')}
            autoSize={{ minRows: 2, maxRows: 8 }}
            count={textLimit(10_000)}
            placeholder={t('plan.postDeploymentPlaceholder')}
          />
        </Form.Item>
      ),
    },
    window: {
      body: (
        <Flex gap={16} align="center" wrap>
          <Form.Item name="window" label={t('plan.windowRange')} style={{ marginBottom: 0 }}>
            <BeijingDatePicker.RangePicker
              showTime={{ format: 'HH:mm' }}
              format="YYYY-MM-DD HH:mm"
              data-testid="plan-window"
            />
          </Form.Item>
          {windowMinutes !== null && (
            <Typography.Text type={planned > windowMinutes ? 'danger' : 'secondary'}>
              {t('plan.windowInfo', { window: windowMinutes, planned })}
              {planned > windowMinutes && ` · ${t('plan.windowTooShort')}`}
            </Typography.Text>
          )}
        </Flex>
      ),
    },
    resources: {
      extra: (
        <Tooltip title={resourceAssessment ? undefined : t('plan.noResourceAssessment')}>
          <Button
            size="small"
            icon={<ImportOutlined />}
            disabled={!resourceAssessment}
            onClick={fillResources}
          >
            {t('plan.fillResources')}
          </Button>
        </Tooltip>
      ),
      body: (
        <Form.Item name="resources" style={{ marginBottom: 0 }}>
          <Input.TextArea
            aria-label={sectionLabel(t, 'resources')}
            autoSize={{ minRows: 2, maxRows: 8 }}
            count={textLimit(10_000)}
            placeholder={t('plan.resourcesPlaceholder')}
          />
        </Form.Item>
      ),
    },
    steps: {
      body: (
        <FormListTable
          name="steps"
          ordered
          addText={t('plan.addStep')}
          newRow={newStep}
          testId="plan-steps"
          columns={stepColumns('', 'steps')}
          footer={
            <Typography.Text type="secondary">{t('plan.totalMinutes', { minutes: planned })}</Typography.Text>
          }
        />
      ),
    },
    rollback: {
      body: (
        <>
          <Typography.Text strong>{t('plan.rollbackSteps')}</Typography.Text>
          <div style={{ margin: '8px 0 16px' }}>
            <FormListTable
              name={['rollback', 'steps']}
              ordered
              addText={t('plan.addRollbackStep')}
              newRow={newStep}
              testId="plan-rollback-steps"
              columns={stepColumns(`${t('plan.rollbackSteps')} `, 'rollback')}
            />
          </div>
          <Typography.Text strong>{t('plan.triggers')}</Typography.Text>
          <div style={{ marginTop: 8 }}>
            <FormListTable
              name={['rollback', 'triggers']}
              addText={t('plan.addTrigger')}
              newRow={() => ({ indicator: '', threshold: '' })}
              testId="plan-rollback-triggers"
              columns={[
                {
                  key: 'indicator',
                  title: t('plan.indicator'),
                  width: 320,
                  render: (f, i) => (
                    <CellItem field={f} name="indicator">
                      <Input aria-label={`${t('plan.indicator')} ${i + 1}`} count={textLimit(200)} />
                    </CellItem>
                  ),
                },
                {
                  key: 'threshold',
                  title: t('plan.threshold'),
                  width: 320,
                  render: (f, i) => (
                    <CellItem field={f} name="threshold">
                      <Input aria-label={`${t('plan.threshold')} ${i + 1}`} count={textLimit(200)} />
                    </CellItem>
                  ),
                },
              ]}
            />
          </div>
        </>
      ),
    },
  };

  return (
    <div id="plan-editor-top" data-testid="plan-editor">
      <ErrorAlert error={failure} style={{ marginBottom: 16 }} />
      {completion && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="plan-completion-help"
          title={t('plan.completionTitle')}
          description={t('plan.completionHelp')}
        />
      )}
      {!completion && release.type === 'emergency' && shortForm && shortForm.length > 0 && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="plan-emergency-short-form"
          title={t('plan.shortFormTitle')}
          description={
            <>
              <div>
                {t('plan.shortFormHelp', {
                  sections: shortForm.map((x) => sectionLabel(t, x)).join(t('policy.listSeparator')),
                })}
              </div>
              {approverNote && <div data-testid="plan-approver-note">{approverNote}</div>}
            </>
          }
        />
      )}
      {missing && (
        <Alert
          id="plan-submit-refused"
          type="error"
          showIcon
          style={{ marginBottom: 16, scrollMarginTop: 80 }}
          data-testid="plan-submit-refused"
          title={t('plan.missingTitle', { rule: ruleLabel(t, missing.rule) })}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 18 }}>
              {missing.gaps.map((g) => (
                <li key={g.section}>
                  <Typography.Link onClick={() => scrollTo(sectionAnchor(g.section))}>
                    {sectionLabel(t, g.section)}
                  </Typography.Link>
                  {t('common.colon')}
                  {gapReason(t, g)}
                </li>
              ))}
            </ul>
          }
        />
      )}
      {conflictsBlock && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('plan.conflictsBlock')}
          action={
            <Button size="small" onClick={() => scrollTo(CONFLICTS_ANCHOR)}>
              {t('plan.conflictsTitle')}
            </Button>
          }
          data-testid="plan-conflicts-block"
        />
      )}
      <Form<PlanFormValues>
        form={form}
        name="plan"
        layout="vertical"
        initialValues={initial}
        onValuesChange={onValuesChange}
      >
        {PLAN_SECTIONS.map((section, index) => (
          <PlanSectionCard
            key={section}
            section={section}
            index={index + 1}
            gap={gaps.get(section)}
            missing={missingBySection.get(section)}
            judged={release.plan !== null}
            extra={sectionBody[section].extra}
          >
            {sectionBody[section].body}
          </PlanSectionCard>
        ))}
        <MonitoringSection index={PLAN_SECTIONS.length + 1} />
      </Form>
      <Card
        size="small"
        style={{ position: 'sticky', bottom: 0, zIndex: 5, boxShadow: '0 -2px 8px rgba(0,0,0,0.06)' }}
        data-testid="plan-editor-bar"
      >
        <Flex justify="space-between" align="center" gap={12} wrap>
          <span>{dirty && <Tag color="orange">{t('plan.unsaved')}</Tag>}</span>
          <Flex gap={8}>
            <Button
              icon={<SaveOutlined />}
              loading={busy === 'save'}
              disabled={busy !== null}
              onClick={() => void run(false)}
              data-testid="plan-save"
            >
              {t('plan.save')}
            </Button>
            {completion ? null : lasting.length > 0 ? (
              <Tooltip
                title={
                  <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                    {lasting.map((b, i) => (
                      <li key={i}>{blockerText(t, b, release.changes)}</li>
                    ))}
                  </ul>
                }
              >
                <span style={{ display: 'inline-block', cursor: 'not-allowed' }}>
                  <Button
                    type="primary"
                    icon={<SendOutlined />}
                    disabled
                    style={{ pointerEvents: 'none' }}
                    data-testid="plan-submit"
                  >
                    {t('plan.saveAndSubmit')}
                  </Button>
                </span>
              </Tooltip>
            ) : (
              <Button
                type="primary"
                icon={<SendOutlined />}
                loading={busy === 'submit'}
                disabled={busy !== null}
                onClick={() => void run(true)}
                data-testid="plan-submit"
              >
                {t('plan.saveAndSubmit')}
              </Button>
            )}
          </Flex>
        </Flex>
      </Card>
      {takingBaseline && (
        <TakeBaselineModal
          onClose={() => setTakingBaseline(false)}
          onTaken={(b) => {
            setTakingBaseline(false);
            form.setFieldValue(['baseline', 'baselineId'], b.id);
          }}
        />
      )}
    </div>
  );
}
