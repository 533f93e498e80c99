import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { useTranslation } from 'react-i18next';
import { useBlocker, type BlockerFunction } from 'react-router';
import { useFeedback } from './feedback';

/** The forms on screen that hold unsaved edits, each by an identity of its own. */
interface DirtyForms {
  add(form: object): void;
  remove(form: object): void;
}

const DirtyFormsContext = createContext<DirtyForms | null>(null);

/**
 * the one navigation blocker of the app, asking before a move inside the app (a menu item, a
 * link, the back button) and letting the browser ask before closing or reloading the tab, while
 * any form on screen holds unsaved edits. One blocker for all forms, because react-router consults
 * only the last `useBlocker` registered: with one per form, a page with two guarded forms (a
 * release's plan and its assessment, a list and its drawer) would guard only one of them.
 */
export function UnsavedChangesProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { modal } = useFeedback();
  const dirty = useRef(new Set<object>());
  const [anyDirty, setAnyDirty] = useState(false);
  const forms = useMemo<DirtyForms>(
    () => ({
      add: (form) => {
        dirty.current.add(form);
        setAnyDirty(true);
      },
      remove: (form) => {
        dirty.current.delete(form);
        setAnyDirty(dirty.current.size > 0);
      },
    }),
    [],
  );

  // Read at the moment of the move, so a form saved just before it moves on is not asked about.
  const shouldBlock = useCallback<BlockerFunction>(
    ({ currentLocation, nextLocation }) =>
      dirty.current.size > 0 &&
      (currentLocation.pathname !== nextLocation.pathname || currentLocation.search !== nextLocation.search),
    [],
  );
  const blocker = useBlocker(shouldBlock);
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

  // Listening only while something is unsaved keeps the page eligible for the back-forward cache.
  useEffect(() => {
    if (!anyDirty) return;
    const warn = (event: BeforeUnloadEvent) => {
      if (dirty.current.size === 0) return;
      event.preventDefault();
      // Older browsers show their question only when a value is returned.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [anyDirty]);

  return <DirtyFormsContext.Provider value={forms}>{children}</DirtyFormsContext.Provider>;
}

/**
 * a form with unsaved edits warns before they are lost — on a move inside the app with a
 * confirmation dialog, and on closing or reloading the tab with the browser's own question.
 * `dirty`: the form holds edits not saved yet. Returns a function to call right after saving,
 * before the form itself moves on or closes (it is not asked about then); the form is guarded
 * again from its next change of `dirty` to true. Any number of forms may be guarded at once.
 */
export function useUnsavedChangesGuard(dirty: boolean): () => void {
  const forms = useContext(DirtyFormsContext);
  if (!forms) throw new Error('useUnsavedChangesGuard is used outside UnsavedChangesProvider');
  const [form] = useState(() => ({}));
  useEffect(() => {
    if (!dirty) return;
    forms.add(form);
    return () => forms.remove(form);
  }, [dirty, forms, form]);
  return useCallback(() => forms.remove(form), [forms, form]);
}

/**
 * The usual way to guard a form: `touched` goes in the form's `onValuesChange` (a person's edit,
 * not a value set by the program), `saved` right after a save, before the form moves on, closes
 * or is cleared for the next entry.
 */
export function useFormGuard(): { touched: () => void; saved: () => void; dirty: boolean } {
  const [dirty, setDirty] = useState(false);
  const leave = useUnsavedChangesGuard(dirty);
  const touched = useCallback(() => setDirty(true), []);
  const saved = useCallback(() => {
    leave();
    setDirty(false);
  }, [leave]);
  return { touched, saved, dirty };
}
