import { Suspense, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { ReleaseAction, ReleaseDetail } from '../../api/types';
import { ReasonModal } from '../../common/ReasonModal';
import { lazyNamed } from '../../common/lazyNamed';
import { ReleaseActionsContext, TAB_OF_ACTION, type ReleaseTab } from './releaseActions';
import {
  completeImplementation,
  completeRollback,
  failRollback,
  startImplementation,
} from './execution/execution.api';
import {
  acceptRelease,
  approveCompletion,
  approvePlan,
  cancelRelease,
  rejectPlan,
  rejectRelease,
  releasesQueryKey,
  revisePlan,
  submitPlan,
} from './releases.api';
import { useFeedback } from '../../common/feedback';

// Its form is fetched when the dialog is first opened (issue #18).
const ClassifyModal = lazyNamed(() => import('./ClassifyModal'), 'ClassifyModal');

const BAD_NEWS: readonly ReleaseAction[] = ['fail_rollback', 'reject', 'cancel', 'close_failed'];

type Dialog = Exclude<ReleaseAction, 'edit_plan' | 'submit_plan'> | null;

/** Actions that run after a confirmation, with what they call. */
const CONFIRMED: Partial<Record<ReleaseAction, (id: string) => Promise<ReleaseDetail>>> = {
  start_implementation: startImplementation,
  complete_implementation: completeImplementation,
  complete_rollback: completeRollback,
};
const CONFIRM_TEXT: Partial<Record<ReleaseAction, { title: string; content: string }>> = {
  start_implementation: { title: 'execution.startTitle', content: 'execution.startContent' },
  complete_implementation: { title: 'execution.completeTitle', content: 'execution.completeContent' },
  complete_rollback: {
    title: 'execution.rollback.completeTitle',
    content: 'execution.rollback.completeContent',
  },
};

/**
 * Runs the lifecycle actions of one release: each asks what it needs (a reason, a comment, the
 * type), calls the server, and refreshes everything about releases. The server's refusal stays in
 * the dialog, or goes to `onError` for actions without one.
 */
export function ReleaseActionsProvider({
  release,
  onOpenTab,
  onError,
  children,
}: {
  release: ReleaseDetail;
  /** Opens the tab where an action is taken (the plan editor, the checklist, the steps…). */
  onOpenTab: (tab: ReleaseTab) => void;
  onError: (error: unknown) => void;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const { message, modal } = useFeedback();
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [running, setRunning] = useState<ReleaseAction | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: releasesQueryKey });
  const number = release.number;
  const version = release.plan?.version ?? 1;

  const done = async (action: ReleaseAction, after: Promise<ReleaseDetail>) => {
    try {
      const r = await after;
      const text = t(`releases.done.${action}`, {
        number,
        type: r.type ? t(`releases.types.${r.type}`) : '',
        version: r.plan?.version ?? '',
      });
      // Recorded as asked, but not good news: a failed rollback or a rejection is not a success.
      void (BAD_NEWS.includes(action) ? message.warning(text) : message.success(text));
    } finally {
      void refresh();
    }
  };

  const direct = (action: ReleaseAction, call: () => Promise<ReleaseDetail>) => {
    setRunning(action);
    return done(action, call())
      .catch(onError)
      .finally(() => setRunning(null));
  };

  const run = (action: ReleaseAction) => {
    onError(null);
    if (action === 'edit_plan') return onOpenTab('plan');
    const tab = TAB_OF_ACTION[action];
    if (tab) return onOpenTab(tab);
    if (action === 'submit_plan') return void direct(action, () => submitPlan(release.id));
    const call = CONFIRMED[action];
    const text = CONFIRM_TEXT[action];
    if (call && text) {
      modal.confirm({
        title: t(text.title, { number }),
        content: t(text.content, { number, version }),
        okText: t(`releases.actions.${action}`),
        cancelText: t('common.cancel'),
        onOk: () => direct(action, () => call(release.id)),
      });
      return;
    }
    setDialog(action);
  };

  const availability = (action: ReleaseAction) =>
    release.actions.find((a) => a.action === action) ?? { action, allowed: false, blockers: [] };

  const close = () => setDialog(null);
  return (
    <ReleaseActionsContext.Provider value={{ release, availability, run, running }}>
      {children}
      {dialog === 'accept' && (
        <ReasonModal
          title={t('releases.acceptTitle', { number })}
          warning={t('releases.acceptWarning')}
          okText={t('releases.actions.accept')}
          label={t('releases.acceptNote')}
          danger={false}
          required={false}
          onClose={close}
          onSubmit={(note) => done('accept', acceptRelease(release.id, note || null))}
          testId="release-accept-modal"
        />
      )}
      {dialog === 'reject' && (
        <ReasonModal
          title={t('releases.rejectTitle', { number })}
          okText={t('releases.actions.reject')}
          label={t('releases.rejectReason')}
          onClose={close}
          onSubmit={(reason) => done('reject', rejectRelease(release.id, reason))}
          testId="release-reject-modal"
        />
      )}
      {dialog === 'cancel' && (
        <ReasonModal
          title={t('releases.cancelTitle', { number })}
          warning={t('releases.cancelWarning')}
          okText={t('releases.actions.cancel')}
          label={t('releases.cancelReason')}
          onClose={close}
          onSubmit={(reason) => done('cancel', cancelRelease(release.id, reason))}
          testId="release-cancel-modal"
        />
      )}
      {dialog === 'classify' && (
        <Suspense fallback={null}>
          <ClassifyModal release={release} onClose={close} onDone={refresh} />
        </Suspense>
      )}
      {dialog === 'approve_plan' && (
        <ReasonModal
          title={t('releases.approvePlanTitle', { number, version })}
          warning={t('releases.approveWarning')}
          okText={t('releases.actions.approve_plan')}
          label={t('releases.approveComment')}
          danger={false}
          required={false}
          onClose={close}
          onSubmit={(comment) => done('approve_plan', approvePlan(release.id, comment || null))}
          testId="plan-approve-modal"
        />
      )}
      {dialog === 'approve_completion' && (
        <ReasonModal
          title={t('releases.approveCompletionTitle', { number })}
          warning={t('releases.approveCompletionWarning')}
          okText={t('releases.actions.approve_completion')}
          label={t('releases.approveComment')}
          danger={false}
          required={false}
          onClose={close}
          onSubmit={(comment) => done('approve_completion', approveCompletion(release.id, comment || null))}
          testId="completion-approve-modal"
        />
      )}
      {dialog === 'reject_plan' && (
        <ReasonModal
          title={t('releases.rejectPlanTitle', { number, version })}
          okText={t('releases.actions.reject_plan')}
          label={t('releases.rejectPlanComment')}
          onClose={close}
          onSubmit={(comment) => done('reject_plan', rejectPlan(release.id, comment))}
          testId="plan-reject-modal"
        />
      )}
      {dialog === 'revise_plan' && (
        <ReasonModal
          title={t('releases.revisePlanTitle', { number })}
          warning={t('releases.revisePlanWarning')}
          okText={t('releases.actions.revise_plan')}
          label={t('releases.revisePlanReason')}
          danger={false}
          onClose={close}
          onSubmit={async (reason) => {
            await done('revise_plan', revisePlan(release.id, reason));
            onOpenTab('plan');
          }}
          testId="plan-revise-modal"
        />
      )}
      {dialog === 'fail_rollback' && (
        <ReasonModal
          title={t('execution.rollback.failTitle', { number })}
          warning={t('execution.rollback.failWarning')}
          okText={t('releases.actions.fail_rollback')}
          label={t('execution.rollback.failReason')}
          onClose={close}
          onSubmit={(reason) => done('fail_rollback', failRollback(release.id, reason))}
          testId="rollback-fail-modal"
        />
      )}
    </ReleaseActionsContext.Provider>
  );
}
