import '../../i18n/zh.account';
import { useState } from 'react';
import { Button, Form, Input, Typography } from 'antd';
import { SafetyOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { SessionView } from '../../api/types';
import { CODE_PATTERN, completeSecondFactor, normaliseCode } from '../../auth/secondFactor';
import { ErrorAlert } from '../../common/ErrorAlert';
import { showFieldErrors } from '../../common/forms';
import { isApiError } from '../../api/client';

interface CodeForm {
  code?: string;
  recoveryCode?: string;
}

/**
 * X-4 the second step of a sign-in: the 6-digit code of the authenticator app, or one of the
 * recovery codes. A pending sign-in that expired (or ended by a lock) goes back to the password.
 */
export function SecondFactorStep({
  onSignedIn,
  onExpired,
}: {
  onSignedIn: (view: SessionView) => void;
  onExpired: (error: unknown) => void;
}) {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm<CodeForm>();
  const [useRecovery, setUseRecovery] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);

  const verify = useMutation({
    mutationFn: completeSecondFactor,
    onMutate: () => setFailure(null),
    onSuccess: onSignedIn,
    onError: (error) => {
      if (isApiError(error) && error.reason === 'second_factor_expired') return onExpired(error);
      if (!showFieldErrors(form, error, i18n.language)) setFailure(error);
    },
  });

  const switchTo = (recovery: boolean) => {
    setUseRecovery(recovery);
    setFailure(null);
    form.resetFields();
  };

  return (
    <>
      <Typography.Paragraph type="secondary">
        {t(useRecovery ? 'login.recoveryIntro' : 'login.codeIntro')}
      </Typography.Paragraph>
      <ErrorAlert error={failure} style={{ marginBottom: 16 }} />
      <Form<CodeForm>
        form={form}
        layout="vertical"
        requiredMark={false}
        onFinish={(v) =>
          verify.mutate(
            useRecovery
              ? { recoveryCode: (v.recoveryCode ?? '').trim() }
              : { code: normaliseCode(v.code ?? '') },
          )
        }
      >
        {useRecovery ? (
          <Form.Item
            name="recoveryCode"
            label={t('login.recoveryCode')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input autoComplete="off" autoFocus size="large" spellCheck={false} data-testid="recovery-code" />
          </Form.Item>
        ) : (
          <Form.Item
            name="code"
            label={t('login.code')}
            normalize={(v: string) => normaliseCode(v)}
            rules={[
              { required: true, message: t('common.required') },
              { pattern: CODE_PATTERN, message: t('login.codeFormat') },
            ]}
          >
            <Input
              prefix={<SafetyOutlined />}
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              autoFocus
              size="large"
              data-testid="totp-code"
            />
          </Form.Item>
        )}
        <Button
          type="primary"
          htmlType="submit"
          block
          size="large"
          loading={verify.isPending}
          data-testid="code-submit"
        >
          {t('login.verify')}
        </Button>
      </Form>
      <Button
        type="link"
        block
        style={{ marginTop: 8 }}
        onClick={() => switchTo(!useRecovery)}
        data-testid="toggle-recovery"
      >
        {t(useRecovery ? 'login.useCode' : 'login.useRecoveryCode')}
      </Button>
    </>
  );
}
