import '../../i18n/zh.cmdb';
import { useState } from 'react';
import { Form, Input, Modal, Radio, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { RELATION_TYPES, type CiDetail, type RelationType } from '../../api/types';
import { ErrorAlert } from '../../common/ErrorAlert';
import { showFieldErrors } from '../../common/forms';
import { addRelation, cmdbQueryKey } from './cmdb.api';
import { relationLabel } from './CiTags';
import { CiSelect } from './CiSelect';
import { textLimit } from '../../common/textLimit';
import { useFormGuard } from '../../common/useUnsavedChangesGuard';
import { useFeedback } from '../../common/feedback';

interface RelationFormValues {
  direction: 'outgoing' | 'incoming';
  type: RelationType;
  other?: string;
  reason?: string;
}

/** Relates this CI to another: this —type→ other, or other —type→ this. */
export function AddRelationModal({ ci, onClose }: { ci: CiDetail; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = useFeedback();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<RelationFormValues>();
  const guard = useFormGuard();
  const [failure, setFailure] = useState<unknown>(null);
  const direction = Form.useWatch('direction', form) ?? 'outgoing';
  const type = Form.useWatch('type', form) ?? 'depends_on';

  const add = useMutation({
    mutationFn: (v: RelationFormValues) =>
      addRelation({
        sourceId: v.direction === 'outgoing' ? ci.id : v.other!,
        targetId: v.direction === 'outgoing' ? v.other! : ci.id,
        type: v.type,
        reason: v.reason?.trim() || undefined,
      }),
    onMutate: () => setFailure(null),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: cmdbQueryKey });
      void message.success(t('cmdb.relationAdded'));
      guard.saved();
      onClose();
    },
    onError: (error) => {
      if (!showFieldErrors(form, error, i18n.language, { targetId: 'other', sourceId: 'other' }))
        setFailure(error);
    },
  });

  const self = <Typography.Text strong>{ci.name}</Typography.Text>;
  const other = <Typography.Text type="secondary">{t('cmdb.theOtherCi')}</Typography.Text>;

  return (
    <Modal
      open
      title={t('cmdb.addRelationTitle', { name: ci.name })}
      okText={t('cmdb.addRelation')}
      cancelText={t('common.cancel')}
      confirmLoading={add.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      mask={{ closable: false }}
      width={600}
      data-testid="add-relation-modal"
    >
      <ErrorAlert error={failure} style={{ marginBottom: 16 }} />
      <Form<RelationFormValues>
        form={form}
        name="relation"
        layout="vertical"
        initialValues={{ direction: 'outgoing', type: 'depends_on' }}
        onFinish={(v) => add.mutate(v)}
        onValuesChange={guard.touched}
      >
        <Form.Item name="type" label={t('cmdb.relationType')}>
          <Radio.Group
            optionType="button"
            options={RELATION_TYPES.map((r) => ({ value: r, label: relationLabel(t, r) }))}
          />
        </Form.Item>
        <Form.Item name="direction" label={t('cmdb.relationDirection')}>
          <Radio.Group
            options={[
              { value: 'outgoing', label: t('cmdb.directionOutgoing') },
              { value: 'incoming', label: t('cmdb.directionIncoming') },
            ]}
          />
        </Form.Item>
        <Form.Item
          name="other"
          label={t('cmdb.otherCi')}
          rules={[{ required: true, message: t('cmdb.pickCi') }]}
        >
          <CiSelect exclude={[ci.id]} data-testid="relation-target" />
        </Form.Item>
        <Typography.Paragraph type="secondary" data-testid="relation-preview">
          {direction === 'outgoing' ? self : other}{' '}
          <Typography.Text mark>{relationLabel(t, type)}</Typography.Text>{' '}
          {direction === 'outgoing' ? other : self}
        </Typography.Paragraph>
        <Form.Item name="reason" label={t('cmdb.reason')}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} count={textLimit(500)} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
