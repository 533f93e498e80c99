import { useState } from 'react';
import { Alert, Form, Input, Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from './ErrorAlert';
import { showFieldErrors } from './forms';
import { textLimit } from './textLimit';

/**
 * Asks for the reason of an irreversible step (retire, remove a relation: CM-4, DS-1), then
 * runs it; the server's refusal stays in the dialog.
 */
export function ReasonDialog({
  title,
  warning,
  okText,
  label,
  onSubmit,
  onClose,
  danger = true,
  required = true,
  testId,
}: {
  title: string;
  warning?: string;
  okText: string;
  label?: string;
  onSubmit: (reason: string) => Promise<unknown>;
  onClose: () => void;
  danger?: boolean;
  /** false for an optional comment (an approval). */
  required?: boolean;
  testId?: string;
}) {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm<{ reason?: string }>();
  const [failure, setFailure] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  const submit = async ({ reason }: { reason?: string }) => {
    setFailure(null);
    setPending(true);
    try {
      await onSubmit((reason ?? '').trim());
      onClose();
    } catch (error) {
      if (!showFieldErrors(form, error, i18n.language, { comment: 'reason' })) setFailure(error);
    } finally {
      setPending(false);
    }
  };

  return (
    <Modal
      open
      // A long title wraps beside the close button, not under it (on a phone it wraps often).
      title={<div style={{ paddingInlineEnd: 24 }}>{title}</div>}
      okText={okText}
      cancelText={t('common.cancel')}
      okButtonProps={{ danger }}
      confirmLoading={pending}
      onOk={() => form.submit()}
      onCancel={onClose}
      mask={{ closable: false }}
      data-testid={testId}
    >
      {warning && <Alert type="warning" showIcon title={warning} style={{ marginBottom: 16 }} />}
      <ErrorAlert error={failure} style={{ marginBottom: 16 }} />
      <Form form={form} name="reason" layout="vertical" onFinish={(v) => void submit(v)}>
        <Form.Item
          name="reason"
          label={label ?? t('common.reason')}
          rules={
            required ? [{ required: true, whitespace: true, message: t('common.reasonRequired') }] : undefined
          }
        >
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 6 }} count={textLimit(2000)} autoFocus />
        </Form.Item>
      </Form>
    </Modal>
  );
}
