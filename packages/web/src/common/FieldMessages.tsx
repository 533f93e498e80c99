import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';
import { fieldMessages } from './forms';

/** The field messages of a refusal as a list, where the form has no single field to show them at. */
export function FieldMessages({ error }: { error: unknown }) {
  const { i18n } = useTranslation();
  const messages = fieldMessages(error, i18n.language);
  if (messages.length === 0) return null;
  return (
    <Alert
      type="error"
      showIcon
      style={{ marginBottom: 12 }}
      title={
        <ul style={{ margin: 0, paddingInlineStart: 18 }}>
          {messages.map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      }
      data-testid="field-messages"
    />
  );
}
