import { useState } from 'react';
import type { FormInstance } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { showFieldErrors } from '../../../common/forms';
import { releasesQueryKey } from '../releases.api';

/**
 * Sends one change about a release: pending while it runs; the server's field messages next to
 * the form's fields, any other refusal as `failure` (for an ErrorAlert); and afterwards every
 * release query refreshed, whatever the answer.
 */
export function useSubmit(form?: FormInstance) {
  const { i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [failure, setFailure] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  const submit = async <T>(call: () => Promise<T>, onDone?: (result: T) => void): Promise<void> => {
    setFailure(null);
    setPending(true);
    try {
      onDone?.(await call());
    } catch (error) {
      if (!form || !showFieldErrors(form, error, i18n.language)) setFailure(error);
    } finally {
      setPending(false);
      void queryClient.invalidateQueries({ queryKey: releasesQueryKey });
    }
  };

  return { submit, failure, setFailure, pending };
}
