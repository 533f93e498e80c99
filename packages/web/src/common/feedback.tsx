import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { ModalFuncProps } from 'antd';
import type { MessageInstance } from 'antd/es/message/interface';
import type { HookAPI as ModalApi } from 'antd/es/modal/useModal';
import type FeedbackHostComponent from './FeedbackHost';
import { waitingFor } from './feedbackQueue';

/** Ant Design's message and modal, as FeedbackHost gives them. */
export interface FeedbackApis {
  message: MessageInstance;
  modal: ModalApi;
}

type Kind = 'success' | 'error' | 'info' | 'warning';
type Say = (content: ReactNode) => void;

/** The short messages and the confirmation dialog the pages use (what antd's App.useApp() gave). */
export interface Feedback {
  message: Record<Kind, Say>;
  modal: { confirm: (props: ModalFuncProps) => void };
}

/** What the pages' calls are made with: antd's message and modal, or the browser's dialogs. */
interface Speaker {
  say(kind: Kind, content: ReactNode): void;
  confirm(props: ModalFuncProps): void;
}

const plain = (node: ReactNode) => (typeof node === 'string' || typeof node === 'number' ? String(node) : '');

/**
 * What stands in when the code could not be fetched (the network went, or a new version replaced
 * the files under an open tab): a confirmation is still asked for, by the browser's own dialog, so
 * no action goes ahead unconfirmed or is silently dropped; an error is still said; the rest is
 * left unsaid (the page shows the outcome itself). The next call tries to fetch the code again.
 */
const BROWSER_DIALOGS: Speaker = {
  say: (kind, content) => {
    if (kind === 'error') window.alert(plain(content));
  },
  confirm: (props) => {
    if (window.confirm([plain(props.title), plain(props.content)].filter(Boolean).join('\n\n')))
      void props.onOk?.();
    else props.onCancel?.();
  },
};

const fetchHost = () => import('./FeedbackHost');

const FeedbackContext = createContext<Feedback | null>(null);

/**
 * Messages and confirmations for the pages below (issue #18). Ant Design's App component gives
 * them too, but brings Modal, message, notification and the form code Modal depends on (about
 * 25 KB compressed) into every first download. Here their code is fetched when the person first
 * touches the page (so it is usually there by the time an action answers) or, at the latest, when
 * a page first says something; what was said meanwhile is shown once it has arrived, in order.
 */
export function FeedbackProvider({ children }: { children: ReactNode }) {
  const [Host, setHost] = useState<typeof FeedbackHostComponent | null>(null);
  const [speaker] = useState(() =>
    waitingFor<Speaker>(() => {
      fetchHost().then(
        (module) => setHost(() => module.default),
        () => speaker.fail(BROWSER_DIALOGS),
      );
    }),
  );
  useEffect(() => {
    const fetchEarly = () => void fetchHost().catch(() => undefined);
    window.addEventListener('pointerdown', fetchEarly, { once: true, passive: true });
    window.addEventListener('keydown', fetchEarly, { once: true, passive: true });
    return () => {
      window.removeEventListener('pointerdown', fetchEarly);
      window.removeEventListener('keydown', fetchEarly);
    };
  }, []);
  const feedback = useMemo<Feedback>(() => {
    const say =
      (kind: Kind): Say =>
      (content) =>
        speaker.call((s) => s.say(kind, content));
    let confirmWaiting = false;
    return {
      message: { success: say('success'), error: say('error'), info: say('info'), warning: say('warning') },
      modal: {
        confirm: (props) => {
          // A second tap while the first confirmation still waits for its code asks nothing more.
          if (confirmWaiting) return;
          confirmWaiting = true;
          speaker.call((s) => {
            confirmWaiting = false;
            s.confirm(props);
          });
        },
      },
    };
  }, [speaker]);
  const onReady = useCallback(
    (apis: FeedbackApis) =>
      speaker.arrive({
        say: (kind, content) => void apis.message[kind](content),
        confirm: (props) => void apis.modal.confirm(props),
      }),
    [speaker],
  );
  return (
    <FeedbackContext.Provider value={feedback}>
      {children}
      {Host && <Host onReady={onReady} />}
    </FeedbackContext.Provider>
  );
}

/** The page's messages and confirmations (inside FeedbackProvider). */
export function useFeedback(): Feedback {
  const feedback = useContext(FeedbackContext);
  if (!feedback) throw new Error('useFeedback outside FeedbackProvider');
  return feedback;
}
