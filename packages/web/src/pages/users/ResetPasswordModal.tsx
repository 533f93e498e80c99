import '../../i18n/zh.people';
import { useState } from 'react';
import { Alert, Form, Modal } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { User } from '../../api/types';
import { ErrorAlert } from '../../common/ErrorAlert';
import { showFieldErrors } from '../../common/forms';
import { PasswordFields } from '../../common/PasswordFields';
import { resetPassword, usersQueryKey } from './users.api';
import { useFeedback } from '../../common/feedback';

/** Set a new password for someone else; the server ends that user's sessions. */
export function ResetPasswordModal({ user, onClose }: { user: User; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = useFeedback();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ password: string; confirm: string }>();
  const [failure, setFailure] = useState<unknown>(null);
  const reset = useMutation({
    mutationFn: (password: string) => resetPassword(user.id, password),
    onMutate: () => setFailure(null),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: usersQueryKey });
      void message.success(t('users.resetDone', { name: user.username }));
      onClose();
    },
    onError: (error) => {
      if (!showFieldErrors(form, error, i18n.language)) setFailure(error);
    },
  });

  return (
    <Modal
      open
      title={t('users.resetTitle', { name: user.username })}
      okText={t('users.resetPassword')}
      cancelText={t('common.cancel')}
      confirmLoading={reset.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      mask={{ closable: false }}
    >
      <Alert type="info" showIcon title={t('users.resetHint')} style={{ marginBottom: 16 }} />
      <ErrorAlert error={failure} style={{ marginBottom: 16 }} />
      <Form form={form} layout="vertical" onFinish={(v) => reset.mutate(v.password)} autoComplete="off">
        <PasswordFields passwordLabel={t('users.newPassword')} />
      </Form>
    </Modal>
  );
}
