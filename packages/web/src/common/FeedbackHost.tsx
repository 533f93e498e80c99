import { useEffect } from 'react';
import { message, Modal } from 'antd';
import type { FeedbackApis } from './feedback';

/**
 * Ant Design's message and confirmation dialogs, inside the app's ConfigProvider (its theme and
 * locale); fetched on first use (common/feedback.tsx), with Modal and what Modal brings (the form
 * context, the dialog) that the first page of the app does not need.
 */
export default function FeedbackHost({ onReady }: { onReady: (apis: FeedbackApis) => void }) {
  const [messageApi, messageHolder] = message.useMessage();
  const [modalApi, modalHolder] = Modal.useModal();
  useEffect(() => onReady({ message: messageApi, modal: modalApi }), [messageApi, modalApi, onReady]);
  return (
    <>
      {messageHolder}
      {modalHolder}
    </>
  );
}
