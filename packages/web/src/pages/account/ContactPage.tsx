import { useEffect, useState } from 'react';
import { Alert, Button, Card, Form, Input } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../common/ErrorAlert';
import { PageHeader } from '../../common/PageHeader';
import { showFieldErrors } from '../../common/forms';
import { contactQueryKey, getOwnContact, setOwnContact, type ChatContact } from './contact.api';

type ContactForm = { [K in keyof ChatContact]: string };

const FIELDS: (keyof ChatContact)[] = ['mobilePhone', 'dingtalkUserId', 'wecomUserId', 'feishuUserId'];

/**
 * the user binds the mobile number and DingTalk, WeCom and Feishu ids by which robot
 * messages @-mention them when something waits on them (the server checks the formats).
 */
export function ContactPage() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<ContactForm>();
  const [failure, setFailure] = useState<unknown>(null);
  const contact = useQuery({ queryKey: contactQueryKey, queryFn: getOwnContact });

  useEffect(() => {
    if (contact.data) form.setFieldsValue(Object.fromEntries(FIELDS.map((f) => [f, contact.data[f] ?? ''])));
  }, [contact.data, form]);

  const save = useMutation({
    mutationFn: setOwnContact,
    onMutate: () => setFailure(null),
    onSuccess: (view) => queryClient.setQueryData(contactQueryKey, view),
    onError: (error) => {
      if (!showFieldErrors(form, error, i18n.language)) setFailure(error);
    },
  });

  return (
    <>
      <PageHeader title={t('contact.title')} subtitle={t('contact.subtitle')} />
      <Card style={{ maxWidth: 560 }} loading={contact.isLoading}>
        <ErrorAlert error={contact.error ?? failure} style={{ marginBottom: 16 }} />
        {save.isSuccess && (
          <Alert type="success" showIcon title={t('contact.saved')} style={{ marginBottom: 16 }} />
        )}
        <Form<ContactForm>
          form={form}
          layout="vertical"
          onValuesChange={() => save.reset()}
          onFinish={(v) =>
            save.mutate(Object.fromEntries(FIELDS.map((f) => [f, (v[f] ?? '').trim() || null])))
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
          <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="contact-save">
            {t('contact.save')}
          </Button>
        </Form>
      </Card>
    </>
  );
}
