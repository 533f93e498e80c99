import '../../i18n/zh.cmdb';
import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Drawer, Flex, Form, Input, Select, Switch } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { ENVIRONMENTS, type Ci, type CiDetail, type Environment } from '../../api/types';
import { ErrorAlert } from '../../common/ErrorAlert';
import { showFieldErrors } from '../../common/forms';
import { AttributeFields, cleanAttributes } from './AttributeFields';
import { environmentLabel } from './CiTags';
import { cmdbQueryKey, createCi, getCi, updateCi, ciQueryKey } from './cmdb.api';
import { useCiTypes, useLocalized } from './useCiTypes';
import { textLimit } from '../../common/textLimit';
import { useUnsavedChangesGuard } from '../../common/useUnsavedChangesGuard';
import { useFeedback } from '../../common/feedback';

interface CiFormValues {
  type: string;
  name: string;
  environment: Environment;
  owner?: string;
  critical: boolean;
  version?: string;
  description?: string;
  attributes?: Record<string, unknown>;
  reason?: string;
}

const trimmedOrNull = (s?: string) => s?.trim() || null;

function valuesOf(ci: Ci): CiFormValues {
  return {
    type: ci.type,
    name: ci.name,
    // The CI's own environment is always one of ENVIRONMENTS; the answer types it as text.
    environment: ENVIRONMENTS.find((e) => e === ci.environment) ?? 'production',
    owner: ci.owner ?? '',
    critical: ci.critical,
    version: ci.version ?? '',
    description: ci.description ?? '',
    attributes: { ...ci.attributes },
  };
}

/**
 * Create a CI, or edit one. The type decides the attribute fields. An edit names its reason
 * (CM-4) and the revision it started from; if someone saved in between, the server refuses
 * and the drawer offers to reload.
 */
export function CiFormDrawer({
  ci,
  onClose,
  onSaved,
}: {
  ci?: CiDetail;
  onClose: () => void;
  onSaved?: (ci: Ci) => void;
}) {
  const { t, i18n } = useTranslation();
  const { message } = useFeedback();
  const queryClient = useQueryClient();
  const localized = useLocalized();
  const types = useCiTypes();
  const [form] = Form.useForm<CiFormValues>();
  const [failure, setFailure] = useState<unknown>(null);
  const [revision, setRevision] = useState(ci?.revision ?? 0);
  const [conflict, setConflict] = useState(false);
  const [dirty, setDirty] = useState(false);
  const leaveAfterSaving = useUnsavedChangesGuard(dirty);
  const top = useRef<HTMLDivElement>(null);
  // A refusal shown above the form is scrolled into view: the save button is far below.
  useEffect(() => {
    if (conflict || failure) top.current?.scrollIntoView({ block: 'nearest' });
  }, [conflict, failure]);
  const typeKey = Form.useWatch('type', form) ?? ci?.type;
  const type = typeKey ? types.byKey.get(typeKey) : undefined;

  const save = useMutation({
    mutationFn: (v: CiFormValues) => {
      const input = {
        type: v.type,
        name: v.name.trim(),
        environment: v.environment,
        owner: trimmedOrNull(v.owner),
        critical: v.critical,
        version: trimmedOrNull(v.version),
        description: trimmedOrNull(v.description),
        attributes: cleanAttributes(types.byKey.get(v.type), v.attributes),
      };
      return ci
        ? updateCi(ci.id, { ...input, revision, reason: v.reason?.trim() ?? '' })
        : createCi({ ...input, reason: trimmedOrNull(v.reason) ?? undefined });
    },
    onMutate: () => {
      setFailure(null);
      setConflict(false);
    },
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: cmdbQueryKey });
      void message.success(t(ci ? 'cmdb.ciUpdated' : 'cmdb.ciCreated', { name: saved.name }));
      leaveAfterSaving();
      onSaved?.(saved);
      onClose();
    },
    onError: (error) => {
      if (ci && isApiError(error) && error.status === 409 && error.detail('currentRevision') !== undefined) {
        setConflict(true);
        return;
      }
      if (!showFieldErrors(form, error, i18n.language)) setFailure(error);
    },
  });

  const reload = useMutation({
    mutationFn: () => getCi(ci!.id),
    onSuccess: (fresh) => {
      queryClient.setQueryData(ciQueryKey(fresh.id), fresh);
      const reason = form.getFieldValue('reason') as string | undefined;
      form.resetFields();
      form.setFieldsValue({ ...valuesOf(fresh), reason });
      setRevision(fresh.revision);
      setConflict(false);
      void message.info(t('cmdb.reloaded', { revision: fresh.revision }));
    },
    onError: (error) => setFailure(error),
  });

  return (
    <Drawer
      open
      size={600}
      title={ci ? t('cmdb.editTitle', { name: ci.name }) : t('cmdb.createTitle')}
      onClose={onClose}
      mask={{ closable: false }}
      destroyOnHidden
      data-testid="ci-form-drawer"
      footer={
        <Flex justify="flex-end" gap={8}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button
            type="primary"
            loading={save.isPending}
            disabled={conflict}
            onClick={() => form.submit()}
            data-testid="ci-form-submit"
          >
            {ci ? t('common.save') : t('common.create')}
          </Button>
        </Flex>
      }
    >
      <div ref={top} />
      {conflict && (
        <Alert
          type="warning"
          showIcon
          title={t('cmdb.conflictTitle')}
          description={t('cmdb.conflictBody')}
          action={
            <Button size="small" type="primary" loading={reload.isPending} onClick={() => reload.mutate()}>
              {t('cmdb.reload')}
            </Button>
          }
          style={{ marginBottom: 16 }}
          data-testid="ci-conflict"
        />
      )}
      <ErrorAlert error={failure} style={{ marginBottom: 16 }} />
      <Form<CiFormValues>
        form={form}
        name="ci"
        layout="vertical"
        initialValues={ci ? valuesOf(ci) : { critical: false, environment: 'production', attributes: {} }}
        onFinish={(v) => save.mutate(v)}
        onValuesChange={() => setDirty(true)}
        autoComplete="off"
      >
        <Form.Item
          name="type"
          label={t('cmdb.fields.type')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Select<string>
            loading={types.loading}
            placeholder={t('cmdb.typePlaceholder')}
            options={types.types.map((ty) => ({ value: ty.key, label: localized(ty.name) }))}
            showSearch={{ optionFilterProp: 'label' }}
          />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('cmdb.fields.name')}
          rules={[{ required: true, whitespace: true, message: t('common.required') }]}
        >
          <Input count={textLimit(200)} />
        </Form.Item>
        <Flex gap={16}>
          <Form.Item
            name="environment"
            label={t('cmdb.fields.environment')}
            rules={[{ required: true, message: t('common.required') }]}
            style={{ flex: 1 }}
          >
            <Select<string>
              options={ENVIRONMENTS.map((e) => ({ value: e, label: environmentLabel(t, e) }))}
            />
          </Form.Item>
          <Form.Item name="critical" label={t('cmdb.fields.critical')} valuePropName="checked">
            <Switch checkedChildren={t('cmdb.critical')} unCheckedChildren={t('cmdb.notCritical')} />
          </Form.Item>
        </Flex>
        <Flex gap={16}>
          <Form.Item name="owner" label={t('cmdb.fields.owner')} style={{ flex: 1 }}>
            <Input count={textLimit(100)} />
          </Form.Item>
          <Form.Item name="version" label={t('cmdb.fields.version')} style={{ flex: 1 }}>
            <Input count={textLimit(100)} />
          </Form.Item>
        </Flex>
        <Form.Item name="description" label={t('cmdb.fields.description')}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} count={textLimit(4000)} />
        </Form.Item>
        <AttributeFields type={type} />
        <Form.Item
          name="reason"
          label={t('cmdb.reason')}
          extra={ci ? t('cmdb.reasonHelp') : undefined}
          rules={ci ? [{ required: true, whitespace: true, message: t('cmdb.reasonRequired') }] : undefined}
        >
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} count={textLimit(500)} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
