import { createHash } from 'node:crypto';
import {
  CARD_CHOICES,
  CHOICE_LABELS,
  needsReason,
  sealAction,
  type CardChoice,
  type CardTarget,
} from '../chat';
import { outboundRequest } from '../../outbound/outbound-http';
import type { OutboundPolicy } from '../../outbound/outbound-policy';
import type { SecretBox } from '../../storage/secret-box';
import type { AppFormat, Message, WebhookEndpoint } from './notification.repository';
import type { Reason } from '@releasegate/messages';
import {
  absolute,
  acceptanceProblem,
  fitted,
  jsonHeaders,
  utf8,
  type AnswerProblemClass,
  type Mention,
} from './webhook.formats';

/**
 * X-2 (issue 17): interactive cards sent through a chat app's API — a Feishu app posting to a
 * group chat (消息卡片 with a reason field and 回退/继续 or 批准/驳回 buttons), a WeCom app sending
 * to the people who must act (模板卡片, button_interaction). The buttons hold sealed actions
 * (modules/chat); pressing one calls back into /api/chat/…, where the same rules as the web decide.
 * Built from the vendors' documents; docs/notifications.md says what was checked against what.
 */

/** Why an app card could not be sent, as a delivery error's class and reason. */
export class AppCardError extends Error {
  constructor(
    readonly errorClass: AnswerProblemClass | 'no_recipient',
    readonly reason: Reason,
    readonly responseCode: number | null = null,
  ) {
    super(reason.code);
  }
}

/** Feishu's limit on a card message's content (卡片消息内容不能超过 30 KB; taken as 30,000 bytes). */
export const FEISHU_CARD_LIMIT = 30_000;
/** WeCom template card texts: the title and the subtitle are cut at these lengths (characters). */
export const WECOM_CARD_TEXT = { title: 36, subtitle: 160 };

const base = (url: string) => url.replace(/\/+$/, '');

/** Buttons: the sealed action of each choice the decision offers. */
const choicesOf = (secrets: SecretBox, target: CardTarget, now: Date) =>
  CARD_CHOICES[target.op].map((choice: CardChoice) => ({
    choice,
    label: CHOICE_LABELS[choice],
    value: sealAction(secrets, target, choice, now),
    danger: choice === 'rollback' || choice === 'reject',
  }));

/** The Feishu card (JSON 2.0): the notice, who must act, and — for a decision — a form. */
export function feishuCard(
  message: Message,
  mentions: readonly Mention[],
  link: string | null,
  buttons: ReturnType<typeof choicesOf>,
) {
  const at = mentions.map((p) => (p.feishuUserId ? `<at id=${p.feishuUserId}></at>` : p.name)).join(' ');
  const needsWhy = buttons.some((b) => b.choice === 'continue' || b.choice === 'reject');
  return fitted(
    FEISHU_CARD_LIMIT,
    (cut) => ({
      schema: '2.0',
      header: {
        title: { tag: 'plain_text', content: message.title.zh },
        subtitle: { tag: 'plain_text', content: message.title.en },
        template: buttons.length > 0 ? 'orange' : 'blue',
      },
      body: {
        elements: [
          { tag: 'markdown', content: cut(message.body.zh, 'zh') },
          ...(at ? [{ tag: 'markdown', content: `请处理：${at}` }] : []),
          ...(buttons.length > 0
            ? [
                {
                  tag: 'form',
                  name: 'decision',
                  elements: [
                    {
                      tag: 'input',
                      name: 'reason',
                      max_length: 2000,
                      placeholder: {
                        tag: 'plain_text',
                        content: needsWhy ? '理由（继续实施、驳回时必填）' : '意见（选填）',
                      },
                    },
                    ...buttons.map((b) => ({
                      tag: 'button',
                      name: `choice_${b.choice}`,
                      text: { tag: 'plain_text', content: b.label.zh },
                      type: b.danger ? 'danger' : 'primary',
                      form_action_type: 'submit',
                      behaviors: [{ type: 'callback', value: { rg: b.value } }],
                    })),
                  ],
                },
              ]
            : []),
          ...(link
            ? [
                {
                  tag: 'button',
                  text: { tag: 'plain_text', content: '在系统中查看 View' },
                  type: 'default',
                  behaviors: [{ type: 'open_url', default_url: link }],
                },
              ]
            : []),
        ],
      },
    }),
    (card) => utf8(JSON.stringify(card)),
  );
}

/**
 * The WeCom card: a button_interaction card to the people who must act. A choice that needs a
 * reason (继续实施, 驳回) opens the page instead — a WeCom button carries no text.
 */
export function wecomCard(
  message: Message,
  link: string | null,
  taskId: string,
  target: CardTarget | undefined,
  buttons: ReturnType<typeof choicesOf>,
) {
  const short = (text: string, n: number) =>
    [...text].length <= n ? text : `${[...text].slice(0, n - 1).join('')}…`;
  return {
    card_type: buttons.length > 0 ? 'button_interaction' : 'text_notice',
    source: { desc: '发布管理平台' },
    main_title: { title: short(message.title.zh, WECOM_CARD_TEXT.title), desc: message.title.en },
    sub_title_text: short(message.body.zh, WECOM_CARD_TEXT.subtitle),
    ...(link && { card_action: { type: 1, url: link } }),
    task_id: taskId,
    ...(buttons.length > 0 && {
      button_list: buttons.map((b) =>
        target && needsReason(target, b.choice) && link
          ? { text: `${b.label.zh}（填写理由）`, style: 2, type: 1, url: link }
          : { text: b.label.zh, style: b.danger ? 3 : 1, key: b.value },
      ),
    }),
  };
}

interface Token {
  value: string;
  until: number;
}

/**
 * X-2: the access tokens of the chat apps, per endpoint and secret, kept until a little before
 * they expire (Feishu's tenant_access_token and WeCom's access_token last two hours).
 */
export class AppTokens {
  private readonly tokens = new Map<string, Token>();

  private key(endpoint: WebhookEndpoint) {
    return `${endpoint.id}:${createHash('sha256')
      .update(`${endpoint.url}\n${endpoint.secret ?? ''}`)
      .digest('hex')}`;
  }

  get(endpoint: WebhookEndpoint, now: number): string | undefined {
    const t = this.tokens.get(this.key(endpoint));
    return t && t.until > now ? t.value : undefined;
  }

  set(endpoint: WebhookEndpoint, value: string, expiresInSeconds: number, now: number) {
    this.tokens.set(this.key(endpoint), { value, until: now + Math.max(60, expiresInSeconds - 300) * 1000 });
  }

  forget(endpoint: WebhookEndpoint) {
    this.tokens.delete(this.key(endpoint));
  }
}

// Feishu's and WeCom's answers when the token has expired or been revoked: fetched again.
const TOKEN_GONE = new Set([99991663, 99991661, 99991668, 40014, 42001]);

export interface AppSendDeps {
  policy: OutboundPolicy;
  secrets: SecretBox;
  tokens: AppTokens;
  timeoutMs: number;
  publicUrl: string;
}

const call = (deps: AppSendDeps, request: Omit<Parameters<typeof outboundRequest>[1], 'timeoutMs'>) =>
  outboundRequest(deps.policy, { ...request, timeoutMs: deps.timeoutMs });

const parsed = (text: string): Record<string, unknown> => {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

/** The app's access token: the kept one, or a new one from the vendor. */
async function tokenOf(deps: AppSendDeps, endpoint: WebhookEndpoint & { format: AppFormat }, now: number) {
  const kept = deps.tokens.get(endpoint, now);
  if (kept) return kept;
  const api = base(endpoint.url);
  const app = endpoint.app ?? {};
  const response =
    endpoint.format === 'feishu_app'
      ? await call(deps, {
          url: `${api}/open-apis/auth/v3/tenant_access_token/internal`,
          headers: jsonHeaders,
          body: JSON.stringify({ app_id: app.appId, app_secret: endpoint.secret }),
        })
      : await call(deps, {
          method: 'GET',
          url: `${api}/cgi-bin/gettoken?${new URLSearchParams({ corpid: app.corpId ?? '', corpsecret: endpoint.secret ?? '' }).toString()}`,
        });
  const answer = parsed(response.body);
  const token = endpoint.format === 'feishu_app' ? answer.tenant_access_token : answer.access_token;
  const code = endpoint.format === 'feishu_app' ? answer.code : answer.errcode;
  if (response.status !== 200 || code !== 0 || typeof token !== 'string' || token === '')
    throw new AppCardError(
      'robot_refused',
      {
        code: 'delivery_app_token',
        params: {
          format: endpoint.format,
          code: Number.isSafeInteger(code) ? String(code) : `HTTP ${response.status}`,
        },
      },
      response.status,
    );
  const expires = Number(endpoint.format === 'feishu_app' ? answer.expire : answer.expires_in);
  deps.tokens.set(endpoint, token, Number.isFinite(expires) ? expires : 7200, now);
  return token;
}

/**
 * Sends one delivery's card through the endpoint's chat app: the token first (kept), then the
 * card. A decision's card carries its buttons; other notices a card without them. WeCom sends to
 * the people who must act that have a WeCom id bound — with none, nobody (AppCardError
 * no_recipient). Returns the HTTP status of the send; throws an AppCardError, or the OutboundError
 * of a call that got no answer.
 */
export async function sendAppCard(
  deps: AppSendDeps,
  endpoint: WebhookEndpoint & { format: AppFormat },
  delivery: { id: string; message: Message },
  mentions: readonly Mention[],
  now: Date,
): Promise<number> {
  const m = delivery.message;
  const link = absolute(deps.publicUrl, m.link);
  const buttons = m.card ? choicesOf(deps.secrets, m.card, now) : [];
  const recipients = mentions.flatMap((p) => (p.wecomUserId ? [p.wecomUserId] : []));
  if (endpoint.format === 'wecom_app' && recipients.length === 0)
    throw new AppCardError('no_recipient', {
      code: 'delivery_no_bound_recipient',
      params: { format: endpoint.format },
    });
  const token = await tokenOf(deps, endpoint, now.getTime());
  const api = base(endpoint.url);
  const response =
    endpoint.format === 'feishu_app'
      ? await call(deps, {
          url: `${api}/open-apis/im/v1/messages?receive_id_type=chat_id`,
          headers: { ...jsonHeaders, authorization: `Bearer ${token}` },
          body: JSON.stringify({
            receive_id: endpoint.app?.chatId,
            msg_type: 'interactive',
            content: JSON.stringify(feishuCard(m, mentions, link, buttons)),
            uuid: delivery.id,
          }),
        })
      : await call(deps, {
          url: `${api}/cgi-bin/message/send?access_token=${encodeURIComponent(token)}`,
          headers: jsonHeaders,
          body: JSON.stringify({
            touser: recipients.join('|'),
            msgtype: 'template_card',
            agentid: endpoint.app?.agentId,
            template_card: wecomCard(m, link, delivery.id, m.card, buttons),
          }),
        });
  const problem = acceptanceProblem(endpoint.format, response.status, response.body);
  if (problem) {
    const code = parsed(response.body)[endpoint.format === 'feishu_app' ? 'code' : 'errcode'];
    if (typeof code === 'number' && TOKEN_GONE.has(code)) deps.tokens.forget(endpoint);
    throw new AppCardError(problem.errorClass, problem.reason, response.status);
  }
  return response.status;
}
