import { Alert } from 'antd';
import { isApiError } from '../api/client';
import { useErrorText } from './errors';

/** An error in place: our wording as the title, the server's own words beneath when they differ. */
export function ErrorAlert({ error, style }: { error: unknown; style?: React.CSSProperties }) {
  const errorText = useErrorText();
  if (!error) return null;
  const title = errorText(error);
  const serverMessage = isApiError(error) && error.message !== title ? error.message : undefined;
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
