import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { refused } from '@releasegate/domain';
import type { ChatSettings, SealedCallbackSettings } from '../../config.chat';
import { contextOf } from '../../http/request-context';
import { CHAT_GRANT_HEADER } from './chat.grants';
import {
  feishuDecrypt,
  feishuSignature,
  sameText,
  sealedDecrypt,
  sealedEncrypt,
  sealedSignature,
} from './chat.crypto';
import { isFresh, pressCard, refuseCallback, type ChatDeps } from './chat.service';

const tags = ['chat'];

/** The parts of Feishu's card.action.trigger event read here (the rest is ignored). */
const feishuEvent = z.object({
  operator: z.object({ open_id: z.string().optional(), user_id: z.string().optional() }).loose(),
  action: z
    .object({
      value: z.object({ rg: z.unknown() }).loose().optional(),
      form_value: z.object({ reason: z.unknown() }).loose().optional(),
    })
    .loose(),
});

/** DingTalk's card callback `content`: the pressed action's params. */
const dingtalkContent = z.object({
  cardPrivateData: z.object({ params: z.record(z.string(), z.unknown()).optional() }).loose(),
});

/** The body of Feishu's and DingTalk's callbacks: the sealed event (documented; checked once signed). */
const sealedBody = z.object({ encrypt: z.string() }).loose();

const notConfigured = (vendor: 'feishu' | 'wecom' | 'dingtalk') =>
  refused('not_found', { code: 'chat_not_configured', params: { vendor } });

const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

const parseJson = (raw: string): Record<string, unknown> | null => {
  try {
    const v: unknown = JSON.parse(raw);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
};

const xml = new XMLParser({ ignoreAttributes: true, parseTagValue: false, processEntities: false });
const xmlOut = new XMLBuilder({ cdataPropName: '#cdata' });
const parseXml = (raw: string): Record<string, unknown> => {
  try {
    const v = xml.parse(raw) as { xml?: Record<string, unknown> };
    return v.xml && typeof v.xml === 'object' ? v.xml : {};
  } catch {
    return {};
  }
};

/**
 * A card callback is a few kilobytes; anything much larger is refused before it is read, so an
 * unauthenticated sender cannot make the server parse a megabyte per request.
 */
const CALLBACK_BODY_LIMIT = 64 * 1024;

/**
 * The id by which a WeCom or DingTalk callback is known again: its opened message, whatever the
 * envelope. A retry (or the same message sealed and signed again) has a new nonce, timestamp and
 * signature but the same message — WeCom's own advice is to know an event by its sender and
 * CreateTime, both in the message. DingTalk's card callback carries no time of its own: the same
 * person pressing the same button with the same text counts as one press.
 */
const messageId = (plain: string) =>
  `msg:${createHash('sha256').update(plain, 'utf8').digest('hex').slice(0, 40)}`;

/** A vendor's time: seconds, or milliseconds (DingTalk) when it is that large. */
const timeOf = (t: string) => {
  const n = Number(t);
  return new Date(!/^\d{1,16}$/.test(t) ? NaN : n > 1e11 ? n : n * 1000);
};

/**
 * X-2 (issue 17): the callbacks of interactive cards — Feishu 消息卡片, WeCom 模板卡片, DingTalk
 * 互动卡片. Each is checked with its vendor's signature scheme over the body exactly as received
 * (bodies are kept as text here), refused when stale or badly signed before anything in it is
 * read, and then handed to pressCard, which carries the decision out through the web's route.
 * The routes are public: the signature is the authentication.
 */
export function chatRoutes(deps: ChatDeps, settings: ChatSettings) {
  return async (app: FastifyInstance) => {
    await app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
      const api = scope.withTypeProvider<ZodTypeProvider>();
      const raw = (request: FastifyRequest) => (typeof request.body === 'string' ? request.body : '');
      const header = (request: FastifyRequest, name: string) => text(request.headers[name]);

      api.post('/api/chat/feishu/card', {
        config: { action: 'chat.card_action' },
        bodyLimit: CALLBACK_BODY_LIMIT,
        schema: {
          tags,
          operationId: 'feishuCardCallback',
          summary:
            "X-2: Feishu card callback (card.action.trigger, schema 2.0, sent to the developer's server with an Encrypt Key): X-Lark-Signature is hex SHA-256 of timestamp + nonce + Encrypt Key + raw body; the body is {encrypt}; answered with a toast",
          // Documents the contract; checked only once the signature verifies.
          body: sealedBody,
        },
        attachValidation: true,
        handler: async (request) => {
          const feishu = settings.feishu;
          if (!feishu) throw notConfigured('feishu');
          const body = raw(request);
          const timestamp = header(request, 'x-lark-request-timestamp');
          const signature = header(request, 'x-lark-signature');
          const nonce = header(request, 'x-lark-request-nonce');
          // A signed request is checked before anything in it is opened; only the challenge of
          // setting the request URL may come unsigned (it proves itself by the Verification Token).
          const signed = signature !== '';
          if (signed && !sameText(signature, feishuSignature(timestamp, nonce, feishu.encryptKey, body)))
            throw await refuseCallback(deps, contextOf(request), 'feishu', 'bad_signature');
          const outer = parseJson(body) ?? {};
          const inner =
            typeof outer.encrypt === 'string'
              ? decryptOrNull(() => feishuDecrypt(feishu.encryptKey, text(outer.encrypt)))
              : null;
          const event = inner === null ? outer : (parseJson(inner) ?? {});
          if (event.type === 'url_verification') {
            if (!sameText(text(event.token), feishu.verificationToken))
              throw await refuseCallback(deps, contextOf(request), 'feishu', 'bad_signature');
            return { challenge: text(event.challenge) };
          }
          const head = (event.header ?? {}) as Record<string, unknown>;
          if (!signed || inner === null || !sameText(text(head.token), feishu.verificationToken))
            throw await refuseCallback(deps, contextOf(request), 'feishu', 'bad_signature');
          if (!isFresh(deps, timeOf(timestamp)))
            throw await refuseCallback(deps, contextOf(request), 'feishu', 'stale');
          if (head.event_type !== 'card.action.trigger') return {};
          const e = feishuEvent.safeParse(event.event);
          const pressed = e.success ? e.data : { operator: {}, action: {} };
          const answer = await pressCard(deps, contextOf(request), {
            vendor: 'feishu',
            callbackId: text(head.event_id) || signature,
            signedAt: timeOf(timestamp),
            vendorUserIds: [text(pressed.operator.open_id), text(pressed.operator.user_id)],
            value: pressed.action.value?.rg,
            reason: text(pressed.action.form_value?.reason) || null,
          });
          return { toast: { type: answer.ok ? 'success' : 'error', content: answer.text } };
        },
      });

      const sealed = (vendor: 'wecom' | 'dingtalk', s: SealedCallbackSettings | null) => {
        if (!s) throw notConfigured(vendor);
        return s;
      };
      /** Checks msg_signature over the ciphertext and opens it; a refusal otherwise. */
      const open = async (
        request: FastifyRequest,
        vendor: 'wecom' | 'dingtalk',
        s: SealedCallbackSettings,
        encrypted: string,
      ) => {
        const q = request.query as Record<string, unknown>;
        const signature = text(q.msg_signature) || text(q.signature);
        const timestamp = text(q.timestamp) || text(q.timeStamp);
        const nonce = text(q.nonce);
        const plain =
          encrypted !== '' && sameText(signature, sealedSignature(s.token, timestamp, nonce, encrypted))
            ? decryptOrNull(() => sealedDecrypt(s.aesKey, s.receiverId, encrypted))
            : null;
        if (plain === null) throw await refuseCallback(deps, contextOf(request), vendor, 'bad_signature');
        if (!isFresh(deps, timeOf(timestamp)))
          throw await refuseCallback(deps, contextOf(request), vendor, 'stale');
        return { plain, signedAt: timeOf(timestamp) };
      };

      const sealedQuery = z.object({
        msg_signature: z.string().max(200).optional(),
        timestamp: z.string().max(20).optional(),
        nonce: z.string().max(100).optional(),
        echostr: z.string().max(4096).optional(),
      });

      // Saving the callback URL in WeCom's console: it sends echostr, sealed, and expects it opened.
      api.get('/api/chat/wecom/callback', {
        config: { action: 'chat.card_action' },
        schema: {
          tags,
          operationId: 'wecomCallbackCheck',
          summary: "X-2: WeCom's check of the callback URL: echostr opened and answered as plain text",
          querystring: sealedQuery,
        },
        handler: async (request, reply) => {
          const s = sealed('wecom', settings.wecom);
          const { plain } = await open(request, 'wecom', s, text(request.query.echostr));
          return reply.type('text/plain; charset=utf-8').send(plain);
        },
      });

      api.post('/api/chat/wecom/callback', {
        config: { action: 'chat.card_action' },
        bodyLimit: CALLBACK_BODY_LIMIT,
        schema: {
          tags,
          operationId: 'wecomCardCallback',
          summary:
            'X-2: WeCom app callback (template_card_event of a button_interaction card): msg_signature is hex SHA-1 of the sorted token, timestamp, nonce and <Encrypt>; answered with an encrypted update_button reply',
          querystring: sealedQuery,
        },
        handler: async (request, reply) => {
          const s = sealed('wecom', settings.wecom);
          const envelope = parseXml(raw(request));
          const { plain, signedAt } = await open(request, 'wecom', s, text(envelope.Encrypt));
          const message = parseXml(plain);
          if (message.MsgType !== 'event' || message.Event !== 'template_card_event') return reply.send('');
          const answer = await pressCard(deps, contextOf(request), {
            vendor: 'wecom',
            callbackId: messageId(plain),
            signedAt,
            vendorUserIds: [text(message.FromUserName)],
            value: text(message.EventKey),
            reason: null,
          });
          // The pressed button is replaced by what happened (WeCom's passive update_button reply).
          const update = xmlOut.build({
            xml: {
              ToUserName: { '#cdata': text(message.FromUserName) },
              FromUserName: { '#cdata': text(message.ToUserName) },
              CreateTime: Math.floor(deps.clock.now().getTime() / 1000),
              MsgType: { '#cdata': 'update_button' },
              Button: {
                ReplaceName: { '#cdata': answer.ok ? answer.text.slice(0, 20) : '未执行，请在系统中处理' },
              },
            },
          });
          return reply
            .type('application/xml; charset=utf-8')
            .send(sealedReply(s, update, deps.clock.now(), 'xml'));
        },
      });

      api.post('/api/chat/dingtalk/callback', {
        config: { action: 'chat.card_action' },
        bodyLimit: CALLBACK_BODY_LIMIT,
        schema: {
          tags,
          operationId: 'dingtalkCardCallback',
          summary:
            'X-2: DingTalk app HTTP callback, in DingTalk\'s encrypted callback format (msg_signature, timestamp, nonce; body {encrypt}): check_url, and card actions whose params carry the button\'s rg value and an optional reason; answered with the encrypted "success"',
          querystring: sealedQuery.extend({
            signature: z.string().max(200).optional(),
            timeStamp: z.string().max(20).optional(),
          }),
          body: sealedBody,
        },
        attachValidation: true,
        handler: async (request) => {
          const s = sealed('dingtalk', settings.dingtalk);
          const body = parseJson(raw(request)) ?? {};
          const { plain, signedAt } = await open(request, 'dingtalk', s, text(body.encrypt));
          const event = parseJson(plain) ?? {};
          if (event.type === 'actionCallback') {
            const content = dingtalkContent.safeParse(parseJson(text(event.content)));
            const params = (content.success && content.data.cardPrivateData.params) || {};
            const answer = await pressCard(deps, contextOf(request), {
              vendor: 'dingtalk',
              callbackId: messageId(plain),
              signedAt,
              vendorUserIds: [text(event.userId)],
              value: params.rg,
              reason: text(params.reason) || null,
            });
            return sealedReply(
              s,
              JSON.stringify({ ok: answer.ok, text: answer.text }),
              deps.clock.now(),
              'json',
            );
          }
          return sealedReply(s, 'success', deps.clock.now(), 'json');
        },
      });
    });
  };
}

function decryptOrNull(decrypt: () => string): string | null {
  try {
    return decrypt();
  } catch {
    return null;
  }
}

/** A sealed answer, signed as the vendor checks it: DingTalk's JSON, or WeCom's passive-reply XML. */
function sealedReply(s: SealedCallbackSettings, message: string, now: Date, as: 'json' | 'xml') {
  const encrypt = sealedEncrypt(s.aesKey, s.receiverId, message);
  const timestamp = String(as === 'json' ? now.getTime() : Math.floor(now.getTime() / 1000));
  const nonce = randomBytes(8).toString('hex');
  const signature = sealedSignature(s.token, timestamp, nonce, encrypt);
  return as === 'json'
    ? { msg_signature: signature, timeStamp: timestamp, nonce, encrypt }
    : String(
        xmlOut.build({
          xml: {
            Encrypt: { '#cdata': encrypt },
            MsgSignature: { '#cdata': signature },
            TimeStamp: timestamp,
            Nonce: { '#cdata': nonce },
          },
        }),
      );
}

/** The route a card decision is carried out by: this app's own, in this process. */
export function injectAct(app: FastifyInstance): ChatDeps['act'] {
  return async ({ url, body, grant }) => {
    const res = await app.inject({
      method: 'POST',
      url,
      payload: body as object,
      headers: { [CHAT_GRANT_HEADER]: grant, 'accept-language': 'zh-CN', 'content-type': 'application/json' },
    });
    let parsed: unknown = null;
    try {
      parsed = res.json();
    } catch {
      parsed = null;
    }
    return { status: res.statusCode, body: parsed };
  };
}
