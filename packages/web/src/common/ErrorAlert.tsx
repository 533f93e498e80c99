import { Alert } from 'antd';
import { isApiError } from '../api/client';
import { useLanguage } from '../i18n/useLanguage';
import { useErrorText } from './errors';

/**
 * An error in place: our wording as the title. In English the server's own words follow when
 * they differ; a Chinese screen shows no English (issue #14): the title renders the refusal's
 * codes, and a refusal we have no words for shows the server's message as its title.
 */
export function ErrorAlert({ error, style }: { error: unknown; style?: React.CSSProperties }) {
  const errorText = useErrorText();
  const [language] = useLanguage();
  if (!error) return null;
  const title = errorText(error);
  const serverMessage =
    language === 'en' && isApiError(error) && error.message !== title ? error.message : undefined;
  return (
    <Alert
      type="error"
      showIcon
      title={title}
      description={serverMessage}
      style={style}
      data-testid="error-alert"
    />
  );
}
