import { SecretBox } from '../../storage/secret-box';

/**
 * X-2 (issue 17): the decisions a card may carry out, each as the web carries it out — the same
 * route, the same body. A card's button holds one sealed value (AES-256-GCM under the server's
 * secrets key): what is decided, about what, and until when; the vendor hands it back untouched
 * when the button is pressed. A value made by anyone else does not open.
 */
export type CardTarget =
  | { op: 'rollback'; releaseId: string; triggerId: string }
  | { op: 'plan'; releaseId: string }
  | { op: 'vote'; changeId: string }
  | { op: 'dsl'; versionId: string };

export type CardChoice = 'rollback' | 'continue' | 'approve' | 'reject';

/** What each kind of decision offers, in the order the card shows the buttons. */
export const CARD_CHOICES: Record<CardTarget['op'], readonly CardChoice[]> = {
  rollback: ['rollback', 'continue'],
  plan: ['approve', 'reject'],
  vote: ['approve', 'reject'],
  dsl: ['approve', 'reject'],
};

/** Button labels, Chinese first as the cards are. */
export const CHOICE_LABELS: Record<CardChoice, { zh: string; en: string }> = {
  rollback: { zh: '决定回退', en: 'Roll back' },
  continue: { zh: '继续实施', en: 'Continue' },
  approve: { zh: '批准', en: 'Approve' },
  reject: { zh: '驳回', en: 'Reject' },
};

/** Whether the rules ask for a reason with this choice (the route refuses it without one). */
export const needsReason = (target: CardTarget, choice: CardChoice) =>
  choice === 'continue' || choice === 'reject' || target.op === 'vote';

/** A card action is good for a week: long enough for any decision the policy waits on. */
export const ACTION_LIFETIME_MS = 7 * 24 * 3600_000;

interface SealedAction {
  v: 1;
  target: CardTarget;
  choice: CardChoice;
  /** ISO time after which the button no longer acts. */
  until: string;
}

export function sealAction(secrets: SecretBox, target: CardTarget, choice: CardChoice, now: Date): string {
  const value: SealedAction = {
    v: 1,
    target,
    choice,
    until: new Date(now.getTime() + ACTION_LIFETIME_MS).toISOString(),
  };
  return secrets.seal(JSON.stringify(value));
}

export type OpenedAction = { target: CardTarget; choice: CardChoice } | { problem: 'forged' | 'expired' };

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

function isTarget(t: unknown): t is CardTarget {
  if (typeof t !== 'object' || t === null) return false;
  const o = t as Record<string, unknown>;
  const ids = (...keys: string[]) => keys.every((k) => typeof o[k] === 'string' && ID.test(o[k]));
  switch (o.op) {
    case 'rollback':
      return ids('releaseId', 'triggerId');
    case 'plan':
      return ids('releaseId');
    case 'vote':
      return ids('changeId');
    case 'dsl':
      return ids('versionId');
    default:
      return false;
  }
}

/** The action a button's value holds, or why it holds none (tampered with, not ours, too old). */
export function openAction(secrets: SecretBox, value: unknown, now: Date): OpenedAction {
  if (typeof value !== 'string' || !SecretBox.isSealed(value) || value.length > 4096)
    return { problem: 'forged' };
  let parsed: SealedAction;
  try {
    parsed = JSON.parse(secrets.open(value)) as SealedAction;
  } catch {
    return { problem: 'forged' };
  }
  if (parsed?.v !== 1 || !isTarget(parsed.target) || !CARD_CHOICES[parsed.target.op].includes(parsed.choice))
    return { problem: 'forged' };
  if (!(new Date(parsed.until).getTime() > now.getTime())) return { problem: 'expired' };
  return { target: parsed.target, choice: parsed.choice };
}

/** The web's request for a decision: the route, and the body the web would send. */
export function requestFor(
  target: CardTarget,
  choice: CardChoice,
  reason: string | null,
): { url: string; body: Record<string, unknown> } {
  const at = (...parts: string[]) => `/api/${parts.map(encodeURIComponent).join('/')}`;
  // An approval's comment is optional; a rejection's is required (the route refuses it empty).
  const comment = reason ?? (choice === 'approve' ? null : '');
  switch (target.op) {
    case 'rollback':
      return {
        url: at('releases', target.releaseId, 'triggers', target.triggerId, 'decision'),
        body: { decision: choice, reason },
      };
    case 'plan':
      return {
        url: at('releases', target.releaseId, 'plan', choice),
        body: { comment },
      };
    case 'vote':
      return {
        url: at('changes', target.changeId, 'votes'),
        body: { decision: choice, comment: reason ?? '' },
      };
    case 'dsl':
      return {
        url: at('dsl', 'versions', target.versionId, choice),
        body: { comment },
      };
  }
}
