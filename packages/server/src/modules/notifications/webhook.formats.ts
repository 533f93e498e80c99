import { createHmac } from 'node:crypto';
import type { Reason } from '@releasegate/messages';
import type { Message, WebhookEndpoint } from './notification.repository';

/** The HTTP request a delivery makes: always a JSON POST. */
export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export const SIGNATURE_HEADER = 'X-ReleaseGate-Signature';
export const TIMESTAMP_HEADER = 'X-ReleaseGate-Timestamp';
export const DELIVERY_HEADER = 'X-ReleaseGate-Delivery';
export const EVENT_HEADER = 'X-ReleaseGate-Event';

const hmacSha256 = (key: string, text: string) => createHmac('sha256', key).update(text, 'utf8');

/** Generic: `sha256=` + hex HMAC-SHA256 of the raw body with the endpoint's secret. */
export const genericSignature = (secret: string, body: string) =>
  `sha256=${hmacSha256(secret, body).digest('hex')}`;

/** DingTalk robot: base64 HMAC-SHA256, keyed by the secret, of "timestamp\nsecret" (milliseconds). */
export const dingtalkSign = (secret: string, timestampMs: number) =>
  hmacSha256(secret, `${timestampMs}\n${secret}`).digest('base64');

/** Feishu robot: base64 HMAC-SHA256 keyed by "timestamp\nsecret" (seconds) of the empty message. */
export const feishuSign = (secret: string, timestampSeconds: number) =>
  hmacSha256(`${timestampSeconds}\n${secret}`, '').digest('base64');

export const absolute = (publicUrl: string, link: string | null) =>
  link === null
    ? null
    : /^https?:\/\//.test(link)
      ? link
      : `${publicUrl}${link.startsWith('/') ? '' : '/'}${link}`;

const withQuery = (url: string, params: Record<string, string>) => {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
};

export const jsonHeaders = { 'content-type': 'application/json; charset=utf-8' };

/**
 * X-2: a person a notice asks to act, as the robot message names them: by the phone number or chat
 * identity kept on their account (identity module), else by name in plain text.
 */
export interface Mention {
  name: string;
  /** A Chinese mobile number (11 digits) or E.164 (+8613800001111). */
  phone: string | null;
  dingtalkUserId: string | null;
  wecomUserId: string | null;
  /** Feishu open_id (ou_…) or user_id: `<at user_id>` takes either. */
  feishuUserId: string | null;
}

/**
 * X-2: each vendor's published limit on the size of a message, in UTF-8 bytes (docs/notifications.md
 * names the documents). DingTalk: the text of text and markdown messages, 20,000 bytes. WeCom: text
 * content 2,048 bytes, markdown content 4,096 bytes. Feishu: the whole request body, 20 KB (taken
 * as 20,000 bytes to stay clear of whether K means 1,000 or 1,024).
 */
export const ROBOT_SIZE_LIMITS = {
  dingtalk: { text: 20_000, markdown: 20_000 },
  wecom: { text: 2_048, markdown: 4_096 },
  feishu: { body: 20_000 },
} as const;

export const TRUNCATED_MARK = {
  zh: '…（内容过长，已截断，请在系统中查看）',
  en: '… (too long, cut; read it in the system)',
};

export const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/** The longest prefix of `text` within `maxBytes` UTF-8 bytes, cut between code points. */
export function cutUtf8(text: string, maxBytes: number): string {
  if (utf8(text) <= maxBytes) return text;
  let used = 0;
  let out = '';
  for (const ch of text) {
    const n = utf8(ch);
    if (used + n > maxBytes) break;
    used += n;
    out += ch;
  }
  return out;
}

/**
 * The message built by `build` within `limit` bytes as measured by `measure`: unchanged when it
 * fits, else with its long texts (the bodies: titles and the link are kept) cut to the largest
 * length that fits and marked. `build(cut)` receives a function that cuts one text.
 */
export function fitted<T>(
  limit: number,
  build: (cut: (text: string, lang: 'zh' | 'en') => string) => T,
  measure: (built: T) => number,
): T {
  const whole = build((text) => text);
  if (measure(whole) <= limit) return whole;
  const at = (n: number) =>
    build((text, lang) => (utf8(text) <= n ? text : `${cutUtf8(text, n)}${TRUNCATED_MARK[lang]}`));
  let [lo, hi] = [0, limit];
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(at(mid)) <= limit) lo = mid;
    else hi = mid - 1;
  }
  return at(lo);
}

const dingtalkHandle = (m: Mention) => m.phone ?? m.dingtalkUserId;

/**
 * The request for one delivery in the endpoint's format. Robots (DingTalk, WeCom, Feishu) get
 * Chinese markdown or rich text, with the English title beneath; the generic format gets both
 * languages as data, signed. `mentions`: the people the notice asks to act, @-mentioned the way
 * each robot does it; the message stays within the vendor's size limit (ROBOT_SIZE_LIMITS).
 */
export function webhookRequest(
  endpoint: Pick<WebhookEndpoint, 'format' | 'url' | 'secret'> & { keyword?: string | null },
  delivery: { id: string; message: Message },
  now: Date,
  publicUrl: string,
  mentions: readonly Mention[] = [],
): WebhookRequest {
  const m = delivery.message;
  // X-2: a robot in "custom keywords" mode takes a message only when it carries a keyword.
  const kw = endpoint.format === 'generic' ? null : (endpoint.keyword ?? null);
  const title = kw ? { zh: `【${kw}】${m.title.zh}`, en: `[${kw}] ${m.title.en}` } : m.title;
  const link = absolute(publicUrl, m.link);
  const seconds = Math.floor(now.getTime() / 1000);
  switch (endpoint.format) {
    case 'generic': {
      const body = JSON.stringify({
        id: delivery.id,
        eventId: m.eventId,
        kind: m.kind,
        occurredAt: m.occurredAt,
        // Inside the signed body too, so a receiver can refuse replays of old messages.
        timestamp: seconds,
        title: m.title,
        body: m.body,
        link,
        releaseId: m.releaseId,
        ...(mentions.length > 0 && { mentions: mentions.map((p) => p.name) }),
      });
      return {
        url: endpoint.url,
        body,
        headers: {
          ...jsonHeaders,
          [EVENT_HEADER]: m.kind,
          [DELIVERY_HEADER]: delivery.id,
          [TIMESTAMP_HEADER]: String(seconds),
          ...(endpoint.secret && { [SIGNATURE_HEADER]: genericSignature(endpoint.secret, body) }),
        },
      };
    }
    case 'dingtalk': {
      const ms = now.getTime();
      // DingTalk mentions only those whose phone or user id is in `at` and also written as @… in
      // the text; the others are named.
      const handles = mentions.map((p) => (dingtalkHandle(p) ? `@${dingtalkHandle(p)}` : p.name));
      const at = {
        atMobiles: mentions.flatMap((p) => (p.phone ? [p.phone] : [])),
        atUserIds: mentions.flatMap((p) => (!p.phone && p.dingtalkUserId ? [p.dingtalkUserId] : [])),
        isAtAll: false,
      };
      const text = fitted(
        ROBOT_SIZE_LIMITS.dingtalk.markdown,
        (cut) =>
          [
            `### ${title.zh}`,
            '',
            cut(m.body.zh, 'zh'),
            '',
            `> ${title.en}`,
            ...(handles.length > 0 ? ['', `请处理 To act: ${handles.join(' ')}`] : []),
            ...(link ? ['', `[查看详情 View](${link})`] : []),
          ].join('\n'),
        utf8,
      );
      return {
        url: endpoint.secret
          ? withQuery(endpoint.url, { timestamp: String(ms), sign: dingtalkSign(endpoint.secret, ms) })
          : endpoint.url,
        headers: jsonHeaders,
        body: JSON.stringify({
          msgtype: 'markdown',
          markdown: { title: title.zh, text },
          ...(at.atMobiles.length + at.atUserIds.length > 0 && { at }),
        }),
      };
    }
    case 'wecom': {
      // Markdown mentions by user id only (<@userid>); a person known by phone alone needs a text
      // message (mentioned_mobile_list).
      const byPhone = mentions.some((p) => !p.wecomUserId && p.phone);
      if (byPhone) {
        const content = fitted(
          ROBOT_SIZE_LIMITS.wecom.text,
          (cut) =>
            [
              title.zh,
              cut(m.body.zh, 'zh'),
              title.en,
              `请处理 To act: ${mentions.map((p) => (p.wecomUserId || p.phone ? `@${p.name}` : p.name)).join(' ')}`,
              ...(link ? [`查看详情 View: ${link}`] : []),
            ].join('\n'),
          utf8,
        );
        return {
          url: endpoint.url,
          headers: jsonHeaders,
          body: JSON.stringify({
            msgtype: 'text',
            text: {
              content,
              mentioned_list: mentions.flatMap((p) => (p.wecomUserId ? [p.wecomUserId] : [])),
              mentioned_mobile_list: mentions.flatMap((p) => (!p.wecomUserId && p.phone ? [p.phone] : [])),
            },
          }),
        };
      }
      const content = fitted(
        ROBOT_SIZE_LIMITS.wecom.markdown,
        (cut) =>
          [
            `**${title.zh}**`,
            `> ${cut(m.body.zh, 'zh')}`,
            `<font color="comment">${title.en}</font>`,
            ...(mentions.length > 0
              ? [
                  `请处理 To act: ${mentions.map((p) => (p.wecomUserId ? `<@${p.wecomUserId}>` : p.name)).join(' ')}`,
                ]
              : []),
            ...(link ? [`[查看详情 View](${link})`] : []),
          ].join('\n'),
        utf8,
      );
      return {
        url: endpoint.url,
        headers: jsonHeaders,
        body: JSON.stringify({ msgtype: 'markdown', markdown: { content } }),
      };
    }
    case 'feishu': {
      const signature = endpoint.secret && {
        timestamp: String(seconds),
        sign: feishuSign(endpoint.secret, seconds),
      };
      const atLine = (lead: string) =>
        mentions.length === 0
          ? []
          : [
              [
                { tag: 'text', text: lead },
                ...mentions.flatMap((p) => [
                  p.feishuUserId
                    ? { tag: 'at', user_id: p.feishuUserId, user_name: p.name }
                    : { tag: 'text', text: p.name },
                  { tag: 'text', text: ' ' },
                ]),
              ],
            ];
      const post = (title: string, text: string, more: string, lead: string) => ({
        title,
        content: [
          [{ tag: 'text', text }],
          ...atLine(lead),
          ...(link ? [[{ tag: 'a', text: more, href: link }]] : []),
        ],
      });
      const body = fitted(
        ROBOT_SIZE_LIMITS.feishu.body,
        (cut) =>
          JSON.stringify({
            ...signature,
            msg_type: 'post',
            content: {
              post: {
                zh_cn: post(title.zh, cut(m.body.zh, 'zh'), '查看详情', '请处理：'),
                en_us: post(title.en, cut(m.body.en, 'en'), 'View', 'To act: '),
              },
            },
          }),
        utf8,
      );
      return { url: endpoint.url, headers: jsonHeaders, body };
    }
    case 'feishu_app':
    case 'wecom_app':
      // A chat app's card is sent through the app's API (app.cards.ts), never as a robot message.
      throw new Error(`${endpoint.format} endpoints send cards through app.cards.ts`);
  }
}

/** Why a receiver's answer is not an acceptance (the classes beside OutboundFailure). */
export type AnswerProblemClass = 'redirect' | 'http_status' | 'bad_reply' | 'robot_refused' | 'rate_limited';

type RobotFormat = Exclude<WebhookEndpoint['format'], 'generic'>;
type Vendor = 'dingtalk' | 'wecom' | 'feishu';

/** X-2: whose answers a format gets — a chat app's API answers as its vendor's robots do. */
export const vendorOf = (format: RobotFormat): Vendor =>
  format === 'feishu_app' ? 'feishu' : format === 'wecom_app' ? 'wecom' : format;

/**
 * X-2: the robots' answers that mean "too many messages, try later" (docs/notifications.md): the
 * delivery waits and tries again, no attempt spent. DingTalk also throttles a robot for ten minutes
 * after it exceeds its limit, so it is given that long.
 */
export const RATE_LIMITED: Record<Vendor, { codes: readonly number[]; retryAfterMs: number }> = {
  dingtalk: { codes: [130101, 410100], retryAfterMs: 10 * 60_000 },
  wecom: { codes: [45009], retryAfterMs: 60_000 },
  // 99991400: the OpenAPI's (the app endpoint's) frequency limit.
  feishu: { codes: [11232, 99991400], retryAfterMs: 60_000 },
};

/**
 * X-2, X-4: the robots' own words for their refusals, as their documents publish them. An answer
 * whose errmsg/msg begins with one of these is shown with it (the published words only: what may
 * follow them, a hint or a quote of what was sent, is not kept); any other text is not read
 * through the server.
 */
export const ROBOT_ERROR_TEXTS: Record<Vendor, Record<number, readonly string[]>> = {
  dingtalk: {
    130101: ['send too fast'],
    310000: ['keywords not in content', 'sign not match', 'invalid timestamp', 'ip not in whitelist'],
    300001: ['token is not exist'],
    400013: ['群已被解散'],
    400101: ['access_token不存在'],
    400102: ['机器人已停用'],
    410100: ['发送速度太快而限流'],
  },
  wecom: {
    45009: ['api freq out of limit'],
    93000: ['invalid webhook url'],
    40008: ['invalid message type'],
    44004: ['empty content'],
  },
  feishu: {
    9499: ['Bad Request'],
    11232: ['frequency limited'],
    19021: ['sign match fail or timestamp is not within one hour from current time'],
    19022: ['Ip Not Allowed'],
    19024: ['Key Words Not Found'],
  },
};

/** The published words a robot's answer begins with, if any (ROBOT_ERROR_TEXTS). */
export function publishedRobotText(format: RobotFormat, code: number, said: unknown): string | null {
  if (typeof said !== 'string') return null;
  const texts = ROBOT_ERROR_TEXTS[vendorOf(format)][code] ?? [];
  return texts.find((t) => said.trim().toLowerCase().startsWith(t.toLowerCase())) ?? null;
}

/**
 * Whether the receiver accepted: a 2xx, and for the robots also their own success code in the body
 * (DingTalk and WeCom `errcode: 0`, Feishu `code: 0`): they answer 200 to a refused message.
 * A problem names the status and, for a robot, its numeric code and the robot's published words
 * for it (ROBOT_ERROR_TEXTS) — never any other text of the body (X-4: a service reached by mistake
 * must not be read through the server, and a robot's words may quote what it was sent). A robot's
 * "too many messages" (RATE_LIMITED, or HTTP 429) is the class rate_limited.
 */
export function acceptanceProblem(
  format: WebhookEndpoint['format'],
  status: number,
  text: string,
): { errorClass: AnswerProblemClass; reason: Reason } | null {
  // Redirects are not followed (outbound-http.ts): the receiver must name its final address.
  if (status >= 300 && status <= 399)
    return { errorClass: 'redirect', reason: { code: 'delivery_redirect', params: { status } } };
  if (status === 429 && format !== 'generic')
    return { errorClass: 'rate_limited', reason: { code: 'delivery_http_status', params: { status } } };
  if (status < 200 || status > 299)
    return { errorClass: 'http_status', reason: { code: 'delivery_http_status', params: { status } } };
  if (format === 'generic') return null;
  let reply: unknown;
  try {
    reply = JSON.parse(text);
  } catch {
    reply = undefined;
  }
  if (!reply || typeof reply !== 'object')
    return { errorClass: 'bad_reply', reason: { code: 'delivery_bad_reply', params: { format, status } } };
  const r = reply as Record<string, unknown>;
  const feishu = vendorOf(format) === 'feishu';
  const code = feishu ? (r.code ?? r.StatusCode) : r.errcode;
  if (code === 0) return null;
  const known = Number.isSafeInteger(code) ? (code as number) : null;
  const said =
    known === null ? null : publishedRobotText(format, known, feishu ? (r.msg ?? r.StatusMessage) : r.errmsg);
  const errorClass =
    known !== null && RATE_LIMITED[vendorOf(format)].codes.includes(known) ? 'rate_limited' : 'robot_refused';
  return {
    errorClass,
    reason: said
      ? { code: 'delivery_robot_refused_said', params: { format, code: String(known), said } }
      : {
          code: 'delivery_robot_refused',
          params: { format, code: known === null ? 'unknown' : String(known) },
        },
  };
}
