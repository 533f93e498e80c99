import { useState } from 'react';
import { Alert, Button, Card, Checkbox, Col, Drawer, Flex, Form, Input, Row, Select, Switch } from 'antd';
import { BeijingDatePicker } from '../../common/beijingPickers';
import type { Dayjs } from 'dayjs';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { PLAN_SECTIONS, RELEASE_TYPES, type PolicyRules, type PolicyVersion } from '../../api/types';
import { ErrorAlert } from '../../common/ErrorAlert';
import { numberRule, showFieldErrors } from '../../common/forms';
import { NumberInput } from '../../common/NumberInput';
import { NUMBER_LIMITS, type NumberLimit } from '../../common/numbers';
import { useRoleOptions } from '../../common/roles';
import { CellItem, FormListTable } from '../releases/plan/FormListTable';
import { isApiError } from '../../api/client';
import { draftPolicyVersion, policyQueryKey } from './policy.api';
import { textLimit } from '../../common/textLimit';
import { pickerNow } from '../../common/format';
import { useUnsavedChangesGuard } from '../../common/useUnsavedChangesGuard';
import { useFeedback } from '../../common/feedback';

interface Values {
  version: string;
  effectiveDate: Dayjs;
  change: string;
  rules: Omit<PolicyRules, 'deadlines'> & {
    deadlines: Omit<PolicyRules['deadlines'], 'escalateMinutesBefore'> & {
      escalateMinutesBefore: (string | number)[];
    };
  };
}

/** The fields of a draft beside its rules; the rules' own paths come back without `rules.`. */
const DRAFT_FIELDS = new Set(['version', 'effectiveDate', 'change']);

/**
 * The form path of each field the server names: a broken invariant (PC-1) names the rule's path
 * within the rules (`deadlines.rollbackDecisionMinutes`), the schema the path within the draft.
 */
function renameFields(error: unknown): Record<string, string> {
  if (!isApiError(error)) return {};
  return Object.fromEntries(
    Object.keys(error.fields)
      .filter((key) => !DRAFT_FIELDS.has(key) && !key.startsWith('rules.'))
      .map((key) => [key, `rules.${key}`]),
  );
}

const ROLLBACK_MINUTES = ['rules', 'deadlines', 'rollbackDecisionMinutes'];
const CAB_QUORUM = ['rules', 'cabQuorum'];

/** IN-1, TY-4: a version written before the emergency CAB existed shows the default one. */
const EMERGENCY_CAB_DEFAULT = { quorum: 1, voters: ['operations_manager'] };

/** PC-1: a new version of the policy, starting from the one in force; the operations manager approves it. */
export function PolicyDraftDrawer({ base, onClose }: { base: PolicyVersion; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = useFeedback();
  const queryClient = useQueryClient();
  const roleOptions = useRoleOptions();
  const [form] = Form.useForm<Values>();
  const [failure, setFailure] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const [dirty, setDirty] = useState(false);
  const leaveAfterSaving = useUnsavedChangesGuard(dirty);
  const businessRoles = roleOptions.groups[0]?.options ?? [];
  const sectionOptions = PLAN_SECTIONS.map((s) => ({ value: s, label: t(`plan.sections.${s}`) }));

  const submit = async (v: Values) => {
    setFailure(null);
    setPending(true);
    try {
      const created = await draftPolicyVersion({
        version: v.version.trim(),
        effectiveDate: v.effectiveDate.format('YYYY-MM-DD'),
        change: v.change.trim(),
        rules: {
          ...v.rules,
          preReleaseChecks: v.rules.preReleaseChecks.filter((c) => c.key?.trim()),
          postReleaseVerifications: v.rules.postReleaseVerifications.filter((c) => c.key?.trim()),
          deadlines: {
            ...v.rules.deadlines,
            // Each one checked by the field's rule: none is dropped or changed here.
            escalateMinutesBefore: v.rules.deadlines.escalateMinutesBefore.map(Number),
          },
        },
      });
      void message.success(t('policy.drafted', { version: created.document.version }));
      void queryClient.invalidateQueries({ queryKey: policyQueryKey });
      leaveAfterSaving();
      onClose();
    } catch (error) {
      if (!showFieldErrors(form, error, i18n.language, renameFields(error))) setFailure(error);
    } finally {
      setPending(false);
    }
  };

  /** A required number of the rules, its bounds said next to it. */
  const numberItem = (name: string[], label: string, limit: NumberLimit) => (
    <Form.Item
      name={name}
      label={label}
      rules={[{ required: true, message: t('common.required') }, numberRule(t, limit)]}
    >
      <NumberInput style={{ width: '100%' }} />
    </Form.Item>
  );

  /** RB-2: what is wrong with the escalation times, if anything: each a whole number of minutes before the deadline. */
  const escalationProblem = (values: (string | number)[], rollbackMinutes: unknown): string | null => {
    if (values.length > 5) return t('policy.edit.escalateTooMany');
    const { min, max } = NUMBER_LIMITS.policyEscalateMinutesBefore;
    for (const value of values) {
      const n = Number(String(value).trim());
      if (String(value).trim() === '' || !Number.isInteger(n) || n < min || n > max)
        return t('policy.edit.escalateInvalid', { value, min, max });
      if (typeof rollbackMinutes === 'number' && n >= rollbackMinutes)
        return t('policy.edit.escalateTooLate', { value, minutes: rollbackMinutes });
    }
    return null;
  };

  const labelledList = (name: string, testId: string) => (
    <FormListTable
      name={['rules', name]}
      addText={t('policy.edit.addItem')}
      newRow={() => ({ key: '', label: { zh: '', en: '' } })}
      testId={testId}
      columns={[
        {
          key: 'key',
          title: t('policy.edit.itemKey'),
          width: 180,
          render: (f, i) => (
            <CellItem field={f} name="key">
              <Input aria-label={`${t('policy.edit.itemKey')} ${i + 1}`} count={textLimit(50)} />
            </CellItem>
          ),
        },
        {
          key: 'zh',
          title: t('policy.edit.itemZh'),
          width: 160,
          render: (f, i) => (
            <CellItem field={f} name={['label', 'zh']}>
              <Input aria-label={`${t('policy.edit.itemZh')} ${i + 1}`} count={textLimit(50)} />
            </CellItem>
          ),
        },
        {
          key: 'en',
          title: t('policy.edit.itemEn'),
          width: 200,
          render: (f, i) => (
            <CellItem field={f} name={['label', 'en']}>
              <Input aria-label={`${t('policy.edit.itemEn')} ${i + 1}`} count={textLimit(80)} />
            </CellItem>
          ),
        },
      ]}
    />
  );

  return (
    <Drawer
      open
      title={t('policy.draftTitle')}
      size={880}
      onClose={onClose}
      mask={{ closable: false }}
      data-testid="policy-draft-drawer"
      footer={
        <Flex justify="flex-end" gap={8}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button
            type="primary"
            loading={pending}
            onClick={() => form.submit()}
            data-testid="policy-draft-submit"
          >
            {t('policy.draftSubmit')}
          </Button>
        </Flex>
      }
    >
      <Alert type="info" showIcon title={t('policy.draftHelp')} style={{ marginBottom: 16 }} />
      <ErrorAlert error={failure} style={{ marginBottom: 16 }} />
      <Form<Values>
        form={form}
        name="policyDraft"
        layout="vertical"
        initialValues={{
          version: '',
          effectiveDate: pickerNow().add(1, 'day'),
          change: '',
          rules: {
            ...base.document.rules,
            emergencyCab: base.document.rules.emergencyCab ?? EMERGENCY_CAB_DEFAULT,
          },
        }}
        onFinish={(v) => void submit(v)}
        onValuesChange={() => setDirty(true)}
      >
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item
              name="version"
              label={t('policy.draftVersion')}
              rules={[{ required: true, whitespace: true, message: t('common.required') }]}
            >
              <Input count={textLimit(20)} placeholder={t('policy.draftVersionPlaceholder')} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="effectiveDate" label={t('policy.draftEffective')} rules={[{ required: true }]}>
              <BeijingDatePicker
                style={{ width: '100%' }}
                disabledDate={(d) => d.isBefore(pickerNow(), 'day')}
              />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item
              name="change"
              label={t('policy.draftChange')}
              rules={[{ required: true, whitespace: true, message: t('common.required') }]}
            >
              <Input.TextArea
                autoSize={{ minRows: 2, maxRows: 4 }}
                count={textLimit(1000)}
                placeholder={t('policy.draftChangePlaceholder')}
              />
            </Form.Item>
          </Col>
        </Row>

        <Card size="small" title={t('policy.edit.approval')} style={{ marginBottom: 16 }}>
          <Row gutter={16}>
            {RELEASE_TYPES.map((type) => (
              <Col xs={24} md={8} key={type}>
                <Form.Item name={['rules', 'approvalAuthority', type]} label={t(`releases.types.${type}`)}>
                  <Select
                    mode="multiple"
                    options={businessRoles}
                    placeholder={t('policy.edit.rolesPlaceholder')}
                  />
                </Form.Item>
              </Col>
            ))}
            <Col span={24}>
              <Form.Item name={['rules', 'intakeRoles']} label={t('policy.edit.intakeRoles')}>
                <Select
                  mode="multiple"
                  options={businessRoles}
                  placeholder={t('policy.edit.rolesPlaceholder')}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item
                name={['rules', 'fourEyes']}
                label={t('policy.edit.fourEyes')}
                valuePropName="checked"
              >
                <Switch />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item
                name={['rules', 'intakeFourEyes']}
                label={t('policy.edit.intakeFourEyes')}
                valuePropName="checked"
              >
                <Switch data-testid="policy-intake-four-eyes" />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              {numberItem(['rules', 'cabQuorum'], t('policy.edit.cabQuorum'), NUMBER_LIMITS.policyCabQuorum)}
            </Col>
            <Col xs={24} md={8}>
              <Form.Item
                name={['rules', 'emergencyCab', 'quorum']}
                label={t('policy.edit.emergencyCabQuorum')}
                extra={t('policy.edit.emergencyCabHelp')}
                dependencies={[CAB_QUORUM]}
                rules={[
                  { required: true, message: t('common.required') },
                  numberRule(t, NUMBER_LIMITS.policyEmergencyCabQuorum),
                  // IN-1: the emergency CAB is smaller than the CAB.
                  ({ getFieldValue }) => ({
                    validator: (_rule, value: unknown) => {
                      const cab: unknown = getFieldValue(CAB_QUORUM);
                      return typeof value === 'number' && typeof cab === 'number' && value > cab
                        ? Promise.reject(new Error(t('policy.edit.emergencyCabAboveCab', { max: cab })))
                        : Promise.resolve();
                    },
                  }),
                ]}
              >
                <NumberInput style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={24} md={16}>
              <Form.Item
                name={['rules', 'emergencyCab', 'voters']}
                label={t('policy.edit.emergencyCabVoters')}
              >
                <Select
                  mode="multiple"
                  options={businessRoles}
                  placeholder={t('policy.edit.rolesPlaceholder')}
                  data-testid="policy-emergency-cab-voters"
                />
              </Form.Item>
            </Col>
          </Row>
        </Card>

        <Card size="small" title={t('policy.edit.requiredSections')} style={{ marginBottom: 16 }}>
          <Form.Item name={['rules', 'requiredPlanSections']} style={{ marginBottom: 8 }}>
            <Checkbox.Group options={sectionOptions} />
          </Form.Item>
          <Form.Item
            name={['rules', 'emergencyShortForm']}
            label={t('policy.edit.shortForm')}
            style={{ marginBottom: 0 }}
          >
            <Checkbox.Group options={sectionOptions} />
          </Form.Item>
        </Card>

        <Card size="small" title={t('policy.edit.checks')} style={{ marginBottom: 16 }}>
          {labelledList('preReleaseChecks', 'policy-checks')}
        </Card>
        <Card size="small" title={t('policy.edit.verifications')} style={{ marginBottom: 16 }}>
          {labelledList('postReleaseVerifications', 'policy-verifications')}
        </Card>

        <Card size="small" title={t('policy.edit.deadlines')}>
          <Row gutter={16}>
            <Col xs={24} md={8}>
              {numberItem(
                ['rules', 'deadlines', 'cmdbUpdateHours'],
                t('policy.edit.cmdbHours'),
                NUMBER_LIMITS.policyCmdbUpdateHours,
              )}
            </Col>
            <Col xs={24} md={8}>
              {numberItem(
                ['rules', 'deadlines', 'rollbackDecisionMinutes'],
                t('policy.edit.rollbackMinutes'),
                NUMBER_LIMITS.policyRollbackDecisionMinutes,
              )}
            </Col>
            <Col xs={24} md={8}>
              <Form.Item
                name={['rules', 'deadlines', 'escalateMinutesBefore']}
                label={t('policy.edit.escalateBefore')}
                dependencies={[ROLLBACK_MINUTES]}
                rules={[
                  ({ getFieldValue }) => ({
                    validator: (_rule, value: (string | number)[] | undefined) => {
                      const problem = escalationProblem(value ?? [], getFieldValue(ROLLBACK_MINUTES));
                      return problem ? Promise.reject(new Error(problem)) : Promise.resolve();
                    },
                  }),
                ]}
              >
                <Select mode="tags" tokenSeparators={[',', ' ', '，']} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              {numberItem(
                ['rules', 'successRateTarget'],
                t('policy.edit.successTarget'),
                NUMBER_LIMITS.policySuccessRateTarget,
              )}
            </Col>
            <Col xs={24} md={8}>
              {numberItem(
                ['rules', 'complaintThreshold', 'count'],
                t('policy.edit.complaintCount'),
                NUMBER_LIMITS.policyComplaintCount,
              )}
            </Col>
            <Col xs={24} md={8}>
              {numberItem(
                ['rules', 'complaintThreshold', 'withinMinutes'],
                t('policy.edit.complaintMinutes'),
                NUMBER_LIMITS.policyComplaintWithinMinutes,
              )}
            </Col>
          </Row>
        </Card>
      </Form>
    </Drawer>
  );
}
