import { Card } from 'antd';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../common/PageHeader';
import { ContactForm } from './ContactForm';
import { contactQueryKey, getOwnContact, setOwnContact } from './contact.api';

/** 手机号与 IM 账号 — the user binds what robot messages @-mention them by. */
export function ContactPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('contact.title')} subtitle={t('contact.subtitle')} />
      <Card style={{ maxWidth: 560 }}>
        <ContactForm queryKey={contactQueryKey} load={getOwnContact} save={setOwnContact} />
      </Card>
    </>
  );
}
