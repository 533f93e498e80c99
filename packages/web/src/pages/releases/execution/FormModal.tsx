import type { ReactNode } from 'react';
import { Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../../common/ErrorAlert';

/** A dialog holding one form: the server's refusal above it, OK submits it, Cancel closes. */
export function FormModal({
  title,
  okText,
  onOk,
  onClose,
  pending,
  failure,
  danger = false,
  okDisabled = false,
  width = 600,
  testId,
  children,
}: {
  title: ReactNode;
  okText: string;
  onOk: () => void;
  onClose: () => void;
  pending: boolean;
  failure: unknown;
  danger?: boolean;
  okDisabled?: boolean;
  width?: number;
  testId: string;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Modal
      open
      width={width}
      title={title}
      okText={okText}
      cancelText={t('common.cancel')}
      okButtonProps={{ danger, disabled: okDisabled }}
      confirmLoading={pending}
      onOk={onOk}
      onCancel={onClose}
      mask={{ closable: false }}
      data-testid={testId}
    >
      <ErrorAlert error={failure} style={{ marginBottom: 16 }} />
      {children}
    </Modal>
  );
}
