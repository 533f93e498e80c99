import { Suspense, type ComponentProps } from 'react';
import { lazyNamed } from './lazyNamed';
import type { ReasonDialog } from './ReasonDialog';

const Dialog = lazyNamed(() => import('./ReasonDialog'), 'ReasonDialog');

/**
 * Asks for the reason of an irreversible step, then runs it (ReasonDialog). Its form code is
 * fetched when a dialog is first opened (issue #18: a page that may ask, such as a rollback
 * decision on a phone, opens without it).
 */
export function ReasonModal(props: ComponentProps<typeof ReasonDialog>) {
  return (
    <Suspense fallback={null}>
      <Dialog {...props} />
    </Suspense>
  );
}
