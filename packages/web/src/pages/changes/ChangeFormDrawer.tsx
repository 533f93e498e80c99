import { useState } from 'react';
import { Button, Checkbox, Drawer, Flex, Form, Input, Radio } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { CHANGE_RISKS, type ChangeDetail, type ChangeRisk } from '../../api/types';
import { ErrorAlert } from '../../common/ErrorAlert';
import { showFieldErrors } from '../../common/forms';
import { CiSelect } from '../cmdb/CiSelect';
import { changesQueryKey, createChange, updateChange } from './changes.api';
import { textLimit } from '../../common/textLimit';
import { useUnsavedChangesGuard } from '../../common/useUnsavedChangesGuard';
import { useFeedback } from '../../common/feedback';

interface ChangeFormValues {
  title: string;
  description?: string;
  risk: ChangeRisk;
  ciIds?: string[];
  emergency?: boolean;
  emergencyReason?: string;
}

/** 新建变更 / 编辑变更: title, description, risk and the CIs it touches; a draft until submitted. */
export function ChangeFormDrawer({
  change,
  onClose,
  onSaved,
}: {
  /** The draft to edit; a new change when absent. */
  change?: ChangeDetail;
  onClose: () => void;
  onSaved: (change: ChangeDetail) => void;
}) {
  const { t, i18n } = useTranslation();
  const { message } = useFeedback();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<ChangeFormValues>();
  const emergency = Form.useWatch('emergency', form);
  const [failure, setFailure] = useState<unknown>(null);
  const [dirty, setDirty] = useState(false);
  const leaveAfterSaving = useUnsavedChangesGuard(dirty);
  const save = useMutation({
    mutationFn: (v: ChangeFormValues) => {
      const input = {
        title: v.title.trim(),
        description: v.description?.trim() || null,
        risk: v.risk,
        ciIds: v.ciIds ?? [],
        emergency: v.emergency ?? false,
        emergencyReason: v.emergency ? (v.emergencyReason?.trim() ?? null) : null,
      };
      return change ? updateChange(change.id, input) : createChange(input);
    },
    onMutate: () => setFailure(null),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: changesQueryKey });
      void message.success(t(change ? 'changes.updated' : 'changes.created', { number: saved.number }));
      leaveAfterSaving();
      onSaved(saved);
    },
    onError: (error) => {
      if (!showFieldErrors(form, error, i18n.language)) setFailure(error);
    },
  });

  return (
    <Drawer
      open
      title={change ? t('changes.editTitle', { number: change.number }) : t('changes.createTitle')}
      size={560}
      onClose={onClose}
      mask={{ closable: false }}
      data-testid="change-form-drawer"
      footer={
        <Flex justify="flex-end" gap={8}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button
            type="primary"
            loading={save.isPending}
            onClick={() => form.submit()}
            data-testid="change-form-submit"
          >
            {change ? t('common.save') : t('common.create')}
          </Button>
        </Flex>
      }
    >
      <ErrorAlert error={failure} style={{ marginBottom: 16 }} />
      <Form<ChangeFormValues>
        form={form}
        name="change"
        layout="vertical"
        initialValues={
          change
            ? {
                title: change.title,
                description: change.description ?? undefined,
                risk: change.risk ?? 'medium',
                ciIds: change.ciIds,
                emergency: change.emergency,
                emergencyReason: change.emergencyReason ?? undefined,
              }
            : { risk: 'medium', emergency: false }
        }
        onFinish={(v) => save.mutate(v)}
        onValuesChange={() => setDirty(true)}
      >
        <Form.Item
          name="title"
          label={t('changes.fields.title')}
          rules={[{ required: true, whitespace: true, message: t('common.required') }]}
        >
          <Input count={textLimit(200)} placeholder={t('changes.titlePlaceholder')} />
        </Form.Item>
        <Form.Item name="description" label={t('changes.fields.description')}>
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} count={textLimit(4000)} />
        </Form.Item>
        <Form.Item name="risk" label={t('changes.fields.risk')} rules={[{ required: true }]}>
          <Radio.Group
            optionType="button"
            options={CHANGE_RISKS.map((r) => ({ value: r, label: t(`changes.risks.${r}`) }))}
          />
        </Form.Item>
        <Form.Item name="ciIds" label={t('changes.fields.cis')} extra={t('changes.cisHelp')}>
          <CiSelect multiple data-testid="change-cis" />
        </Form.Item>
        {/* IN-1, TY-4: an emergency change may be approved by the emergency CAB, and says why. */}
        <Form.Item name="emergency" valuePropName="checked" extra={t('changes.emergencyHelp')}>
          <Checkbox data-testid="change-emergency">{t('changes.fields.emergency')}</Checkbox>
        </Form.Item>
        {emergency && (
          <Form.Item
            name="emergencyReason"
            label={t('changes.fields.emergencyReason')}
            rules={[{ required: true, whitespace: true, message: t('changes.emergencyReasonRequired') }]}
          >
            <Input.TextArea
              autoSize={{ minRows: 2, maxRows: 5 }}
              count={textLimit(2000)}
              data-testid="change-emergency-reason"
            />
          </Form.Item>
        )}
      </Form>
    </Drawer>
  );
}
