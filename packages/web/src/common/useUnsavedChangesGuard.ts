import { useEffect, useRef } from 'react';
import { App } from 'antd';
import { useTranslation } from 'react-i18next';
import { useBlocker } from 'react-router';

/**
 * a form with unsaved edits warns before they are lost — on a move inside the app (a menu
 * item, a link, the back button) with a confirmation dialog, and on closing or reloading the tab
 * with the browser's own question. `dirty`: the form holds edits not saved yet. Returns a function
 * to call right before the form itself moves on after saving (its edits are kept then).
 */
export function useUnsavedChangesGuard(dirty: boolean): () => void {
  const { t } = useTranslation();
  const { modal } = App.useApp();
  const saved = useRef(false);
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      dirty &&
      !saved.current &&
      (currentLocation.pathname !== nextLocation.pathname || currentLocation.search !== nextLocation.search),
  );
  const asking = useRef(false);

  useEffect(() => {
    if (blocker.state !== 'blocked' || asking.current) return;
    asking.current = true;
    modal.confirm({
      title: t('common.unsavedTitle'),
      content: t('common.unsavedContent'),
      okText: t('common.unsavedLeave'),
      okButtonProps: { danger: true, 'data-testid': 'unsaved-leave' },
      cancelText: t('common.unsavedStay'),
      cancelButtonProps: { 'data-testid': 'unsaved-stay' },
      onOk: () => {
        asking.current = false;
        blocker.proceed();
      },
      onCancel: () => {
        asking.current = false;
        blocker.reset();
      },
    });
  }, [blocker, modal, t]);

  useEffect(() => {
    saved.current = false;
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // Older browsers show their question only when a value is returned.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  return () => {
    saved.current = true;
  };
}
