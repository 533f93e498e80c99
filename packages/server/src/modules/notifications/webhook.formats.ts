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

const absolute = (publicUrl: string, link: string | null) =>
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

const jsonHeaders = { 'content-type': 'application/json; charset=utf-8' };

/**
 * The request for one delivery in the endpoint's format. Robots (DingTalk, WeCom, Feishu) get
 * Chinese markdown or rich text, with the English title beneath; the generic format gets both
 * languages as data, signed.
 */
export function webhookRequest(
  endpoint: Pick<WebhookEndpoint, 'format' | 'url' | 'secret'>,
  delivery: { id: string; message: Message },
  now: Date,
  publicUrl: string,
): WebhookRequest {
  const m = delivery.message;
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
      const text = [
        `### ${m.title.zh}`,
        '',
        m.body.zh,
        '',
        `> ${m.title.en}`,
        ...(link ? ['', `[查看详情 View](${link})`] : []),
      ].join('\n');
      return {
        url: endpoint.secret
          ? withQuery(endpoint.url, { timestamp: String(ms), sign: dingtalkSign(endpoint.secret, ms) })
          : endpoint.url,
        headers: jsonHeaders,
        body: JSON.stringify({ msgtype: 'markdown', markdown: { title: m.title.zh, text } }),
      };
    }
    case 'wecom': {
      const content = [
        `**${m.title.zh}**`,
        `> ${m.body.zh}`,
        `<font color="comment">${m.title.en}</font>`,
        ...(link ? [`[查看详情 View](${link})`] : []),
      ].join('\n');
      return {
        url: endpoint.url,
        headers: jsonHeaders,
        body: JSON.stringify({ msgtype: 'markdown', markdown: { content } }),
      };
    }
    case 'feishu': {
      const post = (title: string, text: string, more: string) => ({
        title,
        content: [[{ tag: 'text', text }], ...(link ? [[{ tag: 'a', text: more, href: link }]] : [])],
      });
      return {
        url: endpoint.url,
        headers: jsonHeaders,
        body: JSON.stringify({
          ...(endpoint.secret && { timestamp: String(seconds), sign: feishuSign(endpoint.secret, seconds) }),
          msg_type: 'post',
          content: {
            post: {
              zh_cn: post(m.title.zh, m.body.zh, '查看详情'),
              en_us: post(m.title.en, m.body.en, 'View'),
            },
          },
        }),
      };
    }
  }
}

/** Why a receiver's answer is not an acceptance (the classes beside OutboundFailure). */
export type AnswerProblemClass = 'redirect' | 'http_status' | 'bad_reply' | 'robot_refused';

/**
 * Whether the receiver accepted: a 2xx, and for the robots also their own success code in the body
 * (DingTalk and WeCom `errcode: 0`, Feishu `code: 0`): they answer 200 to a refused message.
 * A problem names the status and, for a robot, its numeric code — never the body's text (X-4: a
 * service reached by mistake must not be read through the server, and a robot's words may quote
 * what it was sent).
 */
export function acceptanceProblem(
  format: WebhookEndpoint['format'],
  status: number,
  text: string,
): { errorClass: AnswerProblemClass; reason: Reason } | null {
  // Redirects are not followed (outbound-http.ts): the receiver must name its final address.
  if (status >= 300 && status <= 399)
    return { errorClass: 'redirect', reason: { code: 'delivery_redirect', params: { status } } };
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
  const code = format === 'feishu' ? (r.code ?? r.StatusCode) : r.errcode;
  if (code === 0) return null;
  return {
    errorClass: 'robot_refused',
    reason: {
      code: 'delivery_robot_refused',
      params: { format, code: Number.isSafeInteger(code) ? String(code) : 'unknown' },
    },
  };
}
