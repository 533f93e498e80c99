import { useEffect, useState } from 'react';
import { Alert, Button, Form, Input } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../common/ErrorAlert';
import { showFieldErrors } from '../../common/forms';
import { formatMinute } from '../../common/format';
import type { ChatContact, ChatContactInput } from './contact.api';

type Field = 'mobilePhone' | 'dingtalkUserId' | 'wecomUserId' | 'feishuUserId';
type ContactFields = Record<Field, string>;

const FIELDS: Field[] = ['mobilePhone', 'dingtalkUserId', 'wecomUserId', 'feishuUserId'];

/**
 * the mobile number and DingTalk, WeCom and Feishu ids robot messages @-mention a user by
 * (the server checks the formats): one's own, or anyone's for the security administrator.
 */
export function ContactForm({
  queryKey,
  load,
  save,
  onSaved,
  confirms = false,
}: {
  queryKey: readonly unknown[];
  load: () => Promise<ChatContact>;
  save: (body: ChatContactInput) => Promise<ChatContact>;
  onSaved?: () => void;
  /** The security administrator's form: saving confirms the chat ids for decisions from cards. */
  confirms?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<ContactFields>();
  const [failure, setFailure] = useState<unknown>(null);
  const contact = useQuery({ queryKey, queryFn: load });

  useEffect(() => {
    if (contact.data) form.setFieldsValue(Object.fromEntries(FIELDS.map((f) => [f, contact.data[f] ?? ''])));
  }, [contact.data, form]);

  const mutation = useMutation({
    mutationFn: save,
    onMutate: () => setFailure(null),
    onSuccess: (view) => {
      queryClient.setQueryData(queryKey, view);
      onSaved?.();
    },
    onError: (error) => {
      if (!showFieldErrors(form, error, i18n.language)) setFailure(error);
    },
  });

  const bound =
    contact.data && (contact.data.dingtalkUserId || contact.data.wecomUserId || contact.data.feishuUserId);
  return (
    <>
      <ErrorAlert error={contact.error ?? failure} style={{ marginBottom: 16 }} />
      {bound && (
        <Alert
          type={contact.data.confirmedBy ? 'success' : 'info'}
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="contact-confirmation"
          title={
            contact.data.confirmedBy
              ? t('contact.confirmed', {
                  by: contact.data.confirmedBy,
                  at: formatMinute(contact.data.confirmedAt),
                })
              : t(confirms ? 'contact.unconfirmedAdmin' : 'contact.unconfirmed')
          }
        />
      )}
      {mutation.isSuccess && (
        <Alert type="success" showIcon title={t('contact.saved')} style={{ marginBottom: 16 }} />
      )}
      <Form<ContactFields>
        form={form}
        layout="vertical"
        disabled={contact.isLoading}
        onValuesChange={() => mutation.reset()}
        onFinish={(v) =>
          mutation.mutate(Object.fromEntries(FIELDS.map((f) => [f, (v[f] ?? '').trim() || null])))
        }
      >
        {FIELDS.map((f) => (
          <Form.Item key={f} name={f} label={t(`contact.${f}`)} extra={t(`contact.${f}Help`)}>
            <Input
              autoComplete={f === 'mobilePhone' ? 'tel' : 'off'}
              inputMode={f === 'mobilePhone' ? 'tel' : 'text'}
              maxLength={f === 'mobilePhone' ? 16 : 64}
              data-testid={`contact-${f}`}
            />
          </Form.Item>
        ))}
        <Button type="primary" htmlType="submit" loading={mutation.isPending} data-testid="contact-save">
          {t('contact.save')}
        </Button>
      </Form>
    </>
  );
}
