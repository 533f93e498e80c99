import { useState } from 'react';
import { Checkbox, Form, Input, Modal, Select, Switch } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../common/ErrorAlert';
import { numberRule, showFieldErrors } from '../../common/forms';
import { NumberInput } from '../../common/NumberInput';
import { NUMBER_LIMITS } from '../../common/numbers';
import {
  createEndpoint,
  isAppFormat,
  NOTIFICATION_KINDS,
  updateEndpoint,
  WEBHOOK_FORMATS,
  webhooksQueryKey,
  type AppSettings,
  type Endpoint,
  type NotificationKind,
  type WebhookFormat,
} from './notifications.api';
import { textLimit } from '../../common/textLimit';
import { useFormGuard } from '../../common/useUnsavedChangesGuard';
import { useFeedback } from '../../common/feedback';

interface EndpointForm {
  name: string;
  format: WebhookFormat;
  url: string;
  secret?: string;
  removeSecret?: boolean;
  app?: AppSettings;
  keyword?: string;
  kinds: NotificationKind[];
  enabled: boolean;
}

/** Add a webhook endpoint, or change one (an empty secret keeps the stored one). */
export function EndpointFormModal({ endpoint, onClose }: { endpoint?: Endpoint; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = useFeedback();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<EndpointForm>();
  const guard = useFormGuard();
  const [failure, setFailure] = useState<unknown>(null);
  const format = Form.useWatch('format', form) ?? endpoint?.format ?? 'generic';
  const removeSecret = Form.useWatch('removeSecret', form) ?? false;

  const save = useMutation({
    mutationFn: (v: EndpointForm) => {
      const secret = v.secret?.trim() || undefined;
      const common = {
        name: v.name.trim(),
        format: v.format,
        url: v.url.trim(),
        kinds: v.kinds,
        enabled: v.enabled,
        app: isAppFormat(v.format) ? (v.app ?? {}) : null,
        keyword: v.format === 'dingtalk' || v.format === 'feishu' ? v.keyword?.trim() || null : null,
      };
      return endpoint
        ? updateEndpoint(endpoint.id, {
            ...common,
            ...(v.removeSecret ? { secret: null } : secret ? { secret } : {}),
          })
        : createEndpoint({ ...common, secret: secret ?? null });
    },
    onMutate: () => setFailure(null),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: webhooksQueryKey });
      void message.success(t('notifications.admin.saved'));
      guard.saved();
      onClose();
    },
    onError: (error) => {
      if (!showFieldErrors(form, error, i18n.language)) setFailure(error);
    },
  });

  return (
    <Modal
      open
      title={endpoint ? t('notifications.admin.edit') : t('notifications.admin.add')}
      okText={endpoint ? t('common.save') : t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      width={640}
      mask={{ closable: false }}
      data-testid="endpoint-form-modal"
    >
      <ErrorAlert error={failure} style={{ marginBottom: 16 }} />
      <Form<EndpointForm>
        form={form}
        layout="vertical"
        autoComplete="off"
        initialValues={
          endpoint
            ? { ...endpoint, secret: '', removeSecret: false, keyword: endpoint.keyword ?? '' }
            : { format: 'generic', kinds: [...NOTIFICATION_KINDS], enabled: true }
        }
        onFinish={(v) => save.mutate(v)}
        onValuesChange={guard.touched}
      >
        <Form.Item
          name="name"
          label={t('notifications.admin.name')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Input count={textLimit(100)} />
        </Form.Item>
        <Form.Item name="format" label={t('notifications.admin.format')} rules={[{ required: true }]}>
          <Select
            options={WEBHOOK_FORMATS.map((f) => ({ value: f, label: t(`notifications.admin.formats.${f}`) }))}
          />
        </Form.Item>
        <Form.Item
          name="url"
          label={isAppFormat(format) ? t('notifications.admin.urlApp') : t('notifications.admin.url')}
          extra={
            isAppFormat(format)
              ? `${t(`notifications.admin.urlAppHelp.${format}`)} ${t('notifications.admin.urlHelp')}`
              : t('notifications.admin.urlHelp')
          }
          rules={[
            { required: true, message: t('common.required') },
            { type: 'url', message: t('notifications.admin.url') },
          ]}
        >
          <Input placeholder="https://" />
        </Form.Item>
        {format === 'feishu_app' && (
          <>
            <Form.Item name={['app', 'appId']} label={t('notifications.admin.app.appId')}>
              <Input placeholder="cli_…" />
            </Form.Item>
            <Form.Item
              name={['app', 'chatId']}
              label={t('notifications.admin.app.chatId')}
              extra={t('notifications.admin.app.help.feishu_app')}
            >
              <Input placeholder="oc_…" />
            </Form.Item>
          </>
        )}
        {format === 'wecom_app' && (
          <>
            <Form.Item name={['app', 'corpId']} label={t('notifications.admin.app.corpId')}>
              <Input placeholder="ww…" />
            </Form.Item>
            <Form.Item
              name={['app', 'agentId']}
              label={t('notifications.admin.app.agentId')}
              extra={t('notifications.admin.app.help.wecom_app')}
              rules={[numberRule(t, NUMBER_LIMITS.wecomAgentId)]}
            >
              <NumberInput style={{ width: '100%' }} />
            </Form.Item>
          </>
        )}
        {format !== 'wecom' && (
          <Form.Item
            name="secret"
            label={isAppFormat(format) ? t('notifications.admin.secretApp') : t('notifications.admin.secret')}
            extra={
              endpoint?.hasSecret
                ? `${t(`notifications.admin.secretHelp.${format}`)} ${t('notifications.admin.secretKeep')}`
                : t(`notifications.admin.secretHelp.${format}`)
            }
          >
            <Input.Password autoComplete="new-password" disabled={removeSecret} />
          </Form.Item>
        )}
        {format === 'wecom' && (
          <Form.Item extra={t('notifications.admin.secretHelp.wecom')} style={{ marginTop: -8 }} />
        )}
        {(format === 'dingtalk' || format === 'feishu') && (
          <Form.Item
            name="keyword"
            label={t('notifications.admin.keyword')}
            extra={t('notifications.admin.keywordHelp')}
          >
            <Input count={textLimit(32)} />
          </Form.Item>
        )}
        {endpoint?.hasSecret && (
          <Form.Item name="removeSecret" valuePropName="checked">
            <Checkbox>{t('notifications.admin.removeSecret')}</Checkbox>
          </Form.Item>
        )}
        <Form.Item
          name="kinds"
          label={t('notifications.admin.kinds')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Checkbox.Group
            options={NOTIFICATION_KINDS.map((k) => ({ value: k, label: t(`notifications.kinds.${k}`) }))}
          />
        </Form.Item>
        <Form.Item name="enabled" label={t('notifications.admin.enabled')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Form>
    </Modal>
  );
}
