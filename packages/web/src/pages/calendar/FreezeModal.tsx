import { useState } from 'react';
import { Form, Input, Modal } from 'antd';
import { BeijingDatePicker } from '../../common/beijingPickers';
import type { Dayjs } from 'dayjs';
import { fromPickerTime } from '../../common/format';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../common/ErrorAlert';
import { showFieldErrors } from '../../common/forms';
import { createFreeze, releasesQueryKey } from '../releases/releases.api';
import { textLimit } from '../../common/textLimit';
import { useFormGuard } from '../../common/useUnsavedChangesGuard';
import { useFeedback } from '../../common/feedback';

interface Values {
  name: string;
  range: [Dayjs, Dayjs];
  reason?: string;
}

/** A freeze window: no release in it without a recorded override (PL-5). */
export function FreezeModal({ onClose }: { onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = useFeedback();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<Values>();
  const guard = useFormGuard();
  const [failure, setFailure] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  const submit = async (v: Values) => {
    setFailure(null);
    setPending(true);
    try {
      const freeze = await createFreeze({
        name: v.name.trim(),
        startsAt: fromPickerTime(v.range[0]),
        endsAt: fromPickerTime(v.range[1]),
        reason: v.reason?.trim() || null,
      });
      void message.success(t('calendar.freezeCreated', { name: freeze.name }));
      void queryClient.invalidateQueries({ queryKey: releasesQueryKey });
      guard.saved();
      onClose();
    } catch (error) {
      if (!showFieldErrors(form, error, i18n.language, { startsAt: 'range', endsAt: 'range' }))
        setFailure(error);
    } finally {
      setPending(false);
    }
  };

  return (
    <Modal
      open
      title={t('calendar.freezeTitle')}
      okText={t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={pending}
      onOk={() => form.submit()}
      onCancel={onClose}
      mask={{ closable: false }}
      data-testid="freeze-modal"
    >
      <ErrorAlert error={failure} style={{ marginBottom: 16 }} />
      <Form<Values>
        form={form}
        name="freeze"
        layout="vertical"
        onFinish={(v) => void submit(v)}
        onValuesChange={guard.touched}
      >
        <Form.Item
          name="name"
          label={t('calendar.freezeName')}
          rules={[{ required: true, whitespace: true, message: t('common.required') }]}
        >
          <Input count={textLimit(200)} placeholder={t('calendar.freezeNamePlaceholder')} />
        </Form.Item>
        <Form.Item
          name="range"
          label={t('calendar.freezeRange')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <BeijingDatePicker.RangePicker
            showTime={{ format: 'HH:mm' }}
            format="YYYY-MM-DD HH:mm"
            style={{ width: '100%' }}
          />
        </Form.Item>
        <Form.Item name="reason" label={t('calendar.freezeReason')}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} count={textLimit(2000)} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
