import '../../../i18n/zh.cmdb';
import { useState } from 'react';
import { Form, Input, Modal, Radio, Select } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ENVIRONMENTS, type Baseline, type Environment } from '../../../api/types';
import { ErrorAlert } from '../../../common/ErrorAlert';
import { showFieldErrors } from '../../../common/forms';
import { CiSelect } from '../CiSelect';
import { environmentLabel } from '../CiTags';
import { baselinesQueryKey, takeBaseline, type TakeBaselineInput } from '../cmdb.api';
import { useCiTypes, useLocalized } from '../useCiTypes';
import { textLimit } from '../../../common/textLimit';
import { useFormGuard } from '../../../common/useUnsavedChangesGuard';
import { useFeedback } from '../../../common/feedback';

interface BaselineFormValues {
  name: string;
  description?: string;
  scope: 'filter' | 'pick';
  type?: string;
  environment?: Environment;
  owner?: string;
  critical?: 'true' | 'false';
  ciIds?: string[];
}

/** CM-3: snapshot a set of CIs now, chosen one by one or by type, environment, owner, criticality. */
export function TakeBaselineModal({
  onClose,
  onTaken,
}: {
  onClose: () => void;
  onTaken: (b: Baseline) => void;
}) {
  const { t, i18n } = useTranslation();
  const { message } = useFeedback();
  const queryClient = useQueryClient();
  const localized = useLocalized();
  const types = useCiTypes();
  const [form] = Form.useForm<BaselineFormValues>();
  const guard = useFormGuard();
  const [failure, setFailure] = useState<unknown>(null);
  const scope = Form.useWatch('scope', form) ?? 'filter';

  const take = useMutation({
    mutationFn: (v: BaselineFormValues) => {
      const input: TakeBaselineInput = { name: v.name.trim(), description: v.description?.trim() || null };
      if (v.scope === 'pick') input.ciIds = v.ciIds ?? [];
      else
        input.filter = {
          type: v.type,
          environment: v.environment,
          owner: v.owner?.trim() || undefined,
          critical: v.critical === undefined ? undefined : v.critical === 'true',
        };
      return takeBaseline(input);
    },
    onMutate: () => setFailure(null),
    onSuccess: (baseline) => {
      void queryClient.invalidateQueries({ queryKey: baselinesQueryKey });
      void message.success(t('baselines.taken', { name: baseline.name, count: baseline.ciCount }));
      guard.saved();
      onTaken(baseline);
    },
    onError: (error) => {
      if (!showFieldErrors(form, error, i18n.language, { filter: 'scope' })) setFailure(error);
    },
  });

  return (
    <Modal
      open
      title={t('baselines.takeTitle')}
      okText={t('baselines.take')}
      cancelText={t('common.cancel')}
      confirmLoading={take.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      mask={{ closable: false }}
      width={640}
      data-testid="take-baseline-modal"
    >
      <ErrorAlert error={failure} style={{ marginBottom: 16 }} />
      <Form<BaselineFormValues>
        form={form}
        name="baseline"
        layout="vertical"
        initialValues={{ scope: 'filter' }}
        onFinish={(v) => take.mutate(v)}
        onValuesChange={guard.touched}
        autoComplete="off"
      >
        <Form.Item
          name="name"
          label={t('baselines.name')}
          rules={[{ required: true, whitespace: true, message: t('common.required') }]}
        >
          <Input count={textLimit(200)} placeholder={t('baselines.namePlaceholder')} />
        </Form.Item>
        <Form.Item name="description" label={t('baselines.description')}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} count={textLimit(2000)} />
        </Form.Item>
        <Form.Item name="scope" label={t('baselines.scope')}>
          <Radio.Group
            options={[
              { value: 'filter', label: t('baselines.scopeFilter') },
              { value: 'pick', label: t('baselines.scopePick') },
            ]}
          />
        </Form.Item>
        {scope === 'filter' ? (
          <fieldset className="rg-fieldset">
            <legend>{t('baselines.filterLegend')}</legend>
            <Form.Item name="type" label={t('cmdb.fields.type')}>
              <Select<string>
                allowClear
                placeholder={t('common.all')}
                options={types.types.map((ty) => ({ value: ty.key, label: localized(ty.name) }))}
              />
            </Form.Item>
            <Form.Item name="environment" label={t('cmdb.fields.environment')}>
              <Select<string>
                allowClear
                placeholder={t('common.all')}
                options={ENVIRONMENTS.map((e) => ({ value: e, label: environmentLabel(t, e) }))}
              />
            </Form.Item>
            <Form.Item name="owner" label={t('cmdb.fields.owner')}>
              <Input allowClear />
            </Form.Item>
            <Form.Item name="critical" label={t('cmdb.fields.critical')}>
              <Select<string>
                allowClear
                placeholder={t('common.all')}
                options={[
                  { value: 'true', label: t('cmdb.critical') },
                  { value: 'false', label: t('cmdb.notCritical') },
                ]}
              />
            </Form.Item>
          </fieldset>
        ) : (
          <Form.Item
            name="ciIds"
            label={t('baselines.cis')}
            rules={[{ required: true, message: t('baselines.pickAtLeastOne') }]}
          >
            <CiSelect multiple data-testid="baseline-cis" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
