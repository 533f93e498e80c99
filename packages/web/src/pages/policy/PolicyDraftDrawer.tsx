import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  DatePicker,
  Drawer,
  Flex,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Switch,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { PLAN_SECTIONS, RELEASE_TYPES, type PolicyRules, type PolicyVersion } from '../../api/types';
import { ErrorAlert } from '../../common/ErrorAlert';
import { showFieldErrors } from '../../common/forms';
import { useRoleOptions } from '../../common/roles';
import { CellItem, FormListTable } from '../releases/plan/FormListTable';
import { draftPolicyVersion, policyQueryKey } from './policy.api';
import { textLimit } from '../../common/textLimit';
import { useUnsavedChangesGuard } from '../../common/useUnsavedChangesGuard';

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

const RENAME: Record<string, string> = {
  'approvalAuthority.emergency': 'rules.approvalAuthority.emergency',
  'approvalAuthority.major': 'rules.approvalAuthority.major',
  'approvalAuthority.normal': 'rules.approvalAuthority.normal',
  intakeRoles: 'rules.intakeRoles',
  requiredPlanSections: 'rules.requiredPlanSections',
  'emergencyCab.quorum': 'rules.emergencyCab.quorum',
  'emergencyCab.voters': 'rules.emergencyCab.voters',
};

/** IN-1, TY-4: a version written before the emergency CAB existed shows the default one. */
const EMERGENCY_CAB_DEFAULT = { quorum: 1, voters: ['operations_manager'] };

/** PC-1: a new version of the policy, starting from the one in force; the operations manager approves it. */
export function PolicyDraftDrawer({ base, onClose }: { base: PolicyVersion; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
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
            escalateMinutesBefore: v.rules.deadlines.escalateMinutesBefore
              .map(Number)
              .filter((n) => Number.isInteger(n) && n > 0),
          },
        },
      });
      void message.success(t('policy.drafted', { version: created.document.version }));
      void queryClient.invalidateQueries({ queryKey: policyQueryKey });
      leaveAfterSaving();
      onClose();
    } catch (error) {
      if (!showFieldErrors(form, error, i18n.language, RENAME)) setFailure(error);
    } finally {
      setPending(false);
    }
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
          effectiveDate: dayjs().add(1, 'day'),
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
              <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isBefore(dayjs(), 'day')} />
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
              <Form.Item name={['rules', 'cabQuorum']} label={t('policy.edit.cabQuorum')}>
                <InputNumber min={1} max={50} precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item
                name={['rules', 'emergencyCab', 'quorum']}
                label={t('policy.edit.emergencyCabQuorum')}
                extra={t('policy.edit.emergencyCabHelp')}
              >
                <InputNumber min={1} max={50} precision={0} style={{ width: '100%' }} />
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
              <Form.Item name={['rules', 'deadlines', 'cmdbUpdateHours']} label={t('policy.edit.cmdbHours')}>
                <InputNumber min={1} max={720} precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item
                name={['rules', 'deadlines', 'rollbackDecisionMinutes']}
                label={t('policy.edit.rollbackMinutes')}
              >
                <InputNumber min={1} max={1440} precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item
                name={['rules', 'deadlines', 'escalateMinutesBefore']}
                label={t('policy.edit.escalateBefore')}
              >
                <Select mode="tags" tokenSeparators={[',', ' ']} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name={['rules', 'successRateTarget']} label={t('policy.edit.successTarget')}>
                <InputNumber min={0} max={100} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item
                name={['rules', 'complaintThreshold', 'count']}
                label={t('policy.edit.complaintCount')}
              >
                <InputNumber min={1} max={10_000} precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item
                name={['rules', 'complaintThreshold', 'withinMinutes']}
                label={t('policy.edit.complaintMinutes')}
              >
                <InputNumber min={1} max={1440} precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
          </Row>
        </Card>
      </Form>
    </Drawer>
  );
}
