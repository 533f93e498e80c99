import '../../i18n/zh.tokens';
import '../../i18n/zh.account';
import { useState } from 'react';
import { Alert, Button, Card, Flex, Form, Input, Popconfirm, Result, Space, Tag, Typography } from 'antd';
import { CheckOutlined, CopyOutlined, SafetyOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { SecondFactorEnrolment } from '../../api/types';
import { sessionQueryKey } from '../../auth/session';
import {
  CODE_PATTERN,
  confirmEnrolment,
  disableSecondFactor,
  normaliseCode,
  regenerateRecoveryCodes,
  recoveryCodesText,
  secondFactorQueryKey,
  useSecondFactorStatus,
  startEnrolment,
} from '../../auth/secondFactor';
import { copyText } from '../../common/clipboard';
import { FullPageSpin } from '../../common/FullPageSpin';
import { ErrorAlert } from '../../common/ErrorAlert';
import { PageHeader } from '../../common/PageHeader';
import { showFieldErrors } from '../../common/forms';
import { formatDateTime } from '../../common/format';
import { useFeedback } from '../../common/feedback';

interface CodeForm {
  code: string;
}

/** The 6-digit code field, with the server's refusal next to it. */
function CodeField({ label }: { label: string }) {
  const { t } = useTranslation();
  return (
    <Form.Item
      name="code"
      label={label}
      normalize={(v: string) => normaliseCode(v)}
      rules={[
        { required: true, message: t('common.required') },
        { pattern: CODE_PATTERN, message: t('login.codeFormat') },
      ]}
    >
      <Input
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={6}
        style={{ maxWidth: 200 }}
        data-testid="totp-code"
      />
    </Form.Item>
  );
}

/** Shown once after the enrolment: the recovery codes, with a copy button. */
function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const [copied, setCopied] = useState(false);
  const copy = () =>
    copyText(recoveryCodesText(codes)).then(
      () => setCopied(true),
      () => void message.error(t('tokens.copyFailed')),
    );
  return (
    <Card data-testid="recovery-codes">
      <Result status="success" title={t('twoStep.enabledTitle')} style={{ padding: '16px 0' }} />
      <Alert type="warning" showIcon title={t('twoStep.recoveryWarning')} style={{ marginBottom: 16 }} />
      <Typography.Paragraph strong>{t('twoStep.recoveryTitle')}</Typography.Paragraph>
      <pre
        style={{
          fontFamily: 'monospace',
          columns: 2,
          columnGap: 24,
          maxWidth: 360,
          padding: 12,
          background: 'rgba(0,0,0,0.03)',
          borderRadius: 6,
        }}
        data-testid="recovery-code-list"
      >
        {recoveryCodesText(codes)}
      </pre>
      <Space wrap>
        <Button icon={copied ? <CheckOutlined /> : <CopyOutlined />} onClick={() => void copy()}>
          {t(copied ? 'twoStep.copied' : 'twoStep.copy')}
        </Button>
        <Button type="primary" onClick={onDone} data-testid="recovery-done">
          {t('twoStep.recoveryDone')}
        </Button>
      </Space>
    </Card>
  );
}

/** Scan the QR code (or type the secret), then prove a code. */
function Enrol({
  enrolment,
  onConfirmed,
}: {
  enrolment: SecondFactorEnrolment;
  onConfirmed: (codes: string[]) => void;
}) {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm<CodeForm>();
  const [failure, setFailure] = useState<unknown>(null);
  const confirm = useMutation({
    mutationFn: (code: string) => confirmEnrolment(code),
    onMutate: () => setFailure(null),
    onSuccess: (answer) => onConfirmed(answer.recoveryCodes),
    onError: (error) => {
      if (!showFieldErrors(form, error, i18n.language)) setFailure(error);
    },
  });
  return (
    <Card data-testid="enrolment">
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        {t('twoStep.scanTitle')}
      </Typography.Title>
      <Flex wrap gap={24} align="flex-start">
        <img
          src={enrolment.qrDataUrl}
          alt={t('twoStep.qrAlt')}
          width={200}
          height={200}
          style={{ maxWidth: '100%', height: 'auto' }}
          data-testid="totp-qr"
        />
        <div style={{ flex: '1 1 240px', minWidth: 0 }}>
          <Typography.Paragraph>{t('twoStep.scanHelp')}</Typography.Paragraph>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 4 }}>
            {t('twoStep.secretLabel')}
          </Typography.Paragraph>
          <Typography.Paragraph
            copyable={{ text: enrolment.secret }}
            code
            style={{ wordBreak: 'break-all' }}
            data-testid="totp-secret"
          >
            {enrolment.secret.replace(/(.{4})/g, '$1 ').trim()}
          </Typography.Paragraph>
        </div>
      </Flex>
      <ErrorAlert error={failure} style={{ marginBottom: 16 }} />
      <Form<CodeForm> form={form} layout="vertical" onFinish={(v) => confirm.mutate(v.code)}>
        <CodeField label={t('twoStep.confirmCode')} />
        <Button type="primary" htmlType="submit" loading={confirm.isPending} data-testid="confirm-enrolment">
          {t('twoStep.confirm')}
        </Button>
      </Form>
    </Card>
  );
}

/**
 * With it on: new recovery codes, or turning it off. Either needs a current code, which proves
 * the authenticator is at hand.
 */
function Manage({
  onDisabled,
  onRecoveryCodes,
}: {
  onDisabled: () => void;
  onRecoveryCodes: (codes: string[]) => void;
}) {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm<CodeForm>();
  const [failure, setFailure] = useState<unknown>(null);
  const onError = (error: unknown) => {
    if (!showFieldErrors(form, error, i18n.language)) setFailure(error);
  };
  const disable = useMutation({
    mutationFn: (code: string) => disableSecondFactor(code),
    onMutate: () => setFailure(null),
    onSuccess: onDisabled,
    onError,
  });
  const regenerate = useMutation({
    mutationFn: (code: string) => regenerateRecoveryCodes(code),
    onMutate: () => setFailure(null),
    onSuccess: (answer) => onRecoveryCodes(answer.recoveryCodes),
    onError,
  });
  const withCode = (run: (code: string) => void) => () =>
    void form.validateFields().then(
      (v) => run(normaliseCode(v.code)),
      () => undefined,
    );
  return (
    <>
      <ErrorAlert error={failure} style={{ marginBottom: 16 }} />
      <Form<CodeForm> form={form} layout="vertical">
        <CodeField label={t('twoStep.manageCode')} />
        <Space wrap>
          <Button
            onClick={withCode((code) => regenerate.mutate(code))}
            loading={regenerate.isPending}
            data-testid="regenerate-recovery-codes"
          >
            {t('twoStep.regenerate')}
          </Button>
          <Popconfirm
            title={t('twoStep.disableConfirm')}
            onConfirm={withCode((code) => disable.mutate(code))}
          >
            <Button danger loading={disable.isPending} data-testid="disable-two-step">
              {t('twoStep.disable')}
            </Button>
          </Popconfirm>
        </Space>
      </Form>
    </>
  );
}

/** X-4 two-step verification (两步验证) of one's own account: set up, recovery codes, turn off. */
export function TwoStepPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const status = useSecondFactorStatus();
  const [enrolment, setEnrolment] = useState<SecondFactorEnrolment | null>(null);
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const [failure, setFailure] = useState<unknown>(null);

  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: secondFactorQueryKey });
    await queryClient.invalidateQueries({ queryKey: sessionQueryKey });
  };
  const start = useMutation({
    mutationFn: startEnrolment,
    onMutate: () => setFailure(null),
    onSuccess: setEnrolment,
    onError: setFailure,
  });

  if (status.isPending) return <FullPageSpin />;
  const s = status.data;
  return (
    <>
      <PageHeader title={t('twoStep.title')} subtitle={t('twoStep.subtitle')} />
      <Flex vertical gap={16} style={{ maxWidth: 640 }}>
        {!s ? (
          <ErrorAlert error={status.error} />
        ) : (
          <>
            {s.required && !s.enabled && (
              <Alert type="warning" showIcon title={t('twoStep.required')} data-testid="two-step-required" />
            )}
            <ErrorAlert error={failure} />
            {recoveryCodes ? (
              <RecoveryCodes
                codes={recoveryCodes}
                onDone={() => {
                  setRecoveryCodes(null);
                  void refresh();
                }}
              />
            ) : enrolment ? (
              <Enrol
                enrolment={enrolment}
                onConfirmed={(codes) => {
                  setEnrolment(null);
                  setRecoveryCodes(codes);
                }}
              />
            ) : (
              <Card>
                <Space direction="vertical" size={12} style={{ width: '100%' }}>
                  <Space wrap>
                    <SafetyOutlined />
                    <Typography.Text strong>{t('twoStep.statusLabel')}</Typography.Text>
                    {s.enabled ? (
                      <Tag color="success" data-testid="two-step-on">
                        {t('twoStep.on')}
                      </Tag>
                    ) : (
                      <Tag data-testid="two-step-off">{t('twoStep.off')}</Tag>
                    )}
                  </Space>
                  {s.enabled ? (
                    <>
                      <Typography.Text type="secondary">
                        {t('twoStep.enabledSince', {
                          at: s.confirmedAt ? formatDateTime(s.confirmedAt) : '',
                          left: s.recoveryCodesLeft,
                        })}
                      </Typography.Text>
                      <Manage onDisabled={() => void refresh()} onRecoveryCodes={setRecoveryCodes} />
                    </>
                  ) : (
                    <>
                      <Typography.Paragraph style={{ marginBottom: 0 }}>
                        {t('twoStep.intro')}
                      </Typography.Paragraph>
                      <Button
                        type="primary"
                        onClick={() => start.mutate()}
                        loading={start.isPending}
                        data-testid="start-enrolment"
                      >
                        {t('twoStep.start')}
                      </Button>
                    </>
                  )}
                </Space>
              </Card>
            )}
          </>
        )}
      </Flex>
    </>
  );
}
