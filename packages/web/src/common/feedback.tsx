import {
  createContext,
  lazy,
  Suspense,
  useCallback,
  useContext,
  useMemo,
  useState,
  type ReactNode,
} from 'react';
import type { ModalFuncProps } from 'antd';
import type { MessageInstance } from 'antd/es/message/interface';
import type { HookAPI as ModalApi } from 'antd/es/modal/useModal';
import { waitingFor } from './feedbackQueue';

export interface FeedbackApis {
  message: MessageInstance;
  modal: ModalApi;
}

type Say = (content: ReactNode) => void;

/** The short messages and the confirmation dialog the pages use (what antd's App.useApp() gave). */
export interface Feedback {
  message: { success: Say; error: Say; info: Say; warning: Say };
  modal: { confirm: (props: ModalFuncProps) => void };
}

const FeedbackHost = lazy(() => import('./FeedbackHost'));

const FeedbackContext = createContext<Feedback | null>(null);

/**
 * Messages and confirmations for the pages below (issue #18). Ant Design's App component gives
 * them too, but brings Modal, message, notification and the form code Modal depends on (about
 * 25 KB compressed) into every first download; here their code is fetched when a page first says
 * something, and what it said meanwhile is shown once it has arrived, in order.
 */
export function FeedbackProvider({ children }: { children: ReactNode }) {
  const [wanted, setWanted] = useState(false);
  const [waiting] = useState(() => waitingFor<FeedbackApis>(() => setWanted(true)));
  const feedback = useMemo<Feedback>(() => {
    const say =
      (kind: keyof Feedback['message']): Say =>
      (content) =>
        waiting.call((apis) => void apis.message[kind](content));
    return {
      message: { success: say('success'), error: say('error'), info: say('info'), warning: say('warning') },
      modal: { confirm: (props) => waiting.call((apis) => void apis.modal.confirm(props)) },
    };
  }, [waiting]);
  const onReady = useCallback((apis: FeedbackApis) => waiting.arrive(apis), [waiting]);
  return (
    <FeedbackContext.Provider value={feedback}>
      {children}
      {wanted && (
        <Suspense fallback={null}>
          <FeedbackHost onReady={onReady} />
        </Suspense>
      )}
    </FeedbackContext.Provider>
  );
}

/** The page's messages and confirmations (inside FeedbackProvider). */
export function useFeedback(): Feedback {
  const feedback = useContext(FeedbackContext);
  if (!feedback) throw new Error('useFeedback outside FeedbackProvider');
  return feedback;
}
