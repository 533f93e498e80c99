import { randomBytes } from 'node:crypto';

export const CHAT_VENDORS = ['feishu', 'wecom', 'dingtalk'] as const;
export type ChatVendor = (typeof CHAT_VENDORS)[number];

/** the chat a decision came through, recorded with every audit event of the action. */
export interface ChatChannel {
  readonly vendor: ChatVendor;
  /** Who pressed the button, as the vendor names them (open_id, userid). */
  readonly vendorUserId: string;
  /** The vendor's id of the callback (event id, or msg_signature), by which a replay is known. */
  readonly callbackId: string;
}

/** Who a verified card callback acts as, handed to the route that carries out the decision. */
export interface ChatGrant {
  readonly userId: string;
  readonly channel: ChatChannel;
  /** The address the callback came from: the decision's audit event records it. */
  readonly sourceIp: string | null;
  /** The callback's request id: the decision's events carry it, tying them to the callback. */
  readonly requestId: string;
}

/** The header by which a card callback's request (app.inject, in this process) carries its grant. */
export const CHAT_GRANT_HEADER = 'x-releasegate-chat-grant';

const LIFETIME_MS = 10_000;

/**
 * a card callback, once its signature, freshness and sender are checked, carries out the
 * decision through the same route as the web (app.inject), so the same permission table,
 * separation of duties, four-eyes rules and refusal audit apply. The route learns who acts from
 * a one-time grant: 256 random bits that never leave this process, taken on first use and good
 * for ten seconds. A request from outside naming a grant finds none and is refused.
 */
export class ChatGrants {
  private readonly grants = new Map<string, { grant: ChatGrant; expiresAt: number }>();

  issue(grant: ChatGrant): string {
    const now = Date.now();
    for (const [id, g] of this.grants) if (g.expiresAt <= now) this.grants.delete(id);
    const id = randomBytes(32).toString('base64url');
    this.grants.set(id, { grant, expiresAt: now + LIFETIME_MS });
    return id;
  }

  take(id: string): ChatGrant | undefined {
    const found = this.grants.get(id);
    this.grants.delete(id);
    return found && found.expiresAt > Date.now() ? found.grant : undefined;
  }
}
