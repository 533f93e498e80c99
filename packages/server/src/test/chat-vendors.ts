import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { randomBytes, randomUUID } from 'node:crypto';
import { feishuEncrypt, feishuSignature, sealedEncrypt, sealedSignature } from '../modules/chat/chat.crypto';

/**
 * The tests' stand-ins for the vendors' callbacks (no test reaches a vendor): each builds the
 * request the vendor's document says it sends when a card's button is pressed, sealed and signed
 * with the app's keys as the vendor would.
 */
export interface VendorRequest {
  path: string;
  body: string;
  headers: Record<string, string>;
}

export const FEISHU_APP = {
  FEISHU_CARD_VERIFICATION_TOKEN: 'v-token-3f9a',
  FEISHU_CARD_ENCRYPT_KEY: 'enc-key-81c2',
};
const aesKey = () => randomBytes(32).toString('base64').slice(0, 43);
export const WECOM_APP = {
  WECOM_CALLBACK_TOKEN: 'wecom-token',
  WECOM_CALLBACK_AES_KEY: aesKey(),
  WECOM_CORP_ID: 'ww1234567890',
};
export const DINGTALK_APP = {
  DINGTALK_CALLBACK_TOKEN: 'ding-token',
  DINGTALK_CALLBACK_AES_KEY: aesKey(),
  DINGTALK_CALLBACK_OWNER_KEY: 'dingcorp0001',
};

/** Feishu's card.action.trigger (schema 2.0), sealed with the Encrypt Key and signed. */
export function feishuPress(
  now: Date,
  openId: string,
  rg: unknown,
  options: { reason?: string; eventId?: string; timestamp?: string; key?: string } = {},
): VendorRequest {
  const event = {
    schema: '2.0',
    header: {
      event_id: options.eventId ?? randomUUID(),
      token: FEISHU_APP.FEISHU_CARD_VERIFICATION_TOKEN,
      create_time: String(now.getTime()),
      event_type: 'card.action.trigger',
      tenant_key: 'tenant',
      app_id: 'cli_a1',
    },
    event: {
      operator: { tenant_key: 'tenant', open_id: openId, user_id: 'u_unbound' },
      token: 'c-token',
      action: {
        tag: 'button',
        value: { rg },
        ...(options.reason && { form_value: { reason: options.reason } }),
      },
      context: { open_message_id: 'om_1', open_chat_id: 'oc_1' },
    },
  };
  const body = JSON.stringify({
    encrypt: feishuEncrypt(FEISHU_APP.FEISHU_CARD_ENCRYPT_KEY, JSON.stringify(event)),
  });
  const timestamp = options.timestamp ?? String(Math.floor(now.getTime() / 1000));
  const nonce = randomBytes(8).toString('hex');
  return {
    path: '/api/chat/feishu/card',
    body,
    headers: {
      'content-type': 'application/json',
      'x-lark-request-timestamp': timestamp,
      'x-lark-request-nonce': nonce,
      'x-lark-signature': feishuSignature(
        timestamp,
        nonce,
        options.key ?? FEISHU_APP.FEISHU_CARD_ENCRYPT_KEY,
        body,
      ),
    },
  };
}

/** The query WeCom and DingTalk sign around a ciphertext. */
export function sealedQuery(token: string, encrypted: string, timestamp: string): URLSearchParams {
  const nonce = randomBytes(6).toString('hex');
  return new URLSearchParams({
    msg_signature: sealedSignature(token, timestamp, nonce, encrypted),
    timestamp,
    nonce,
  });
}

/** WeCom's template_card_event for a pressed button whose key is `rg`, sealed for `corpId`. */
export function wecomPress(
  now: Date,
  userId: string,
  rg: string,
  options: { corpId?: string; token?: string } = {},
): VendorRequest {
  const seconds = String(Math.floor(now.getTime() / 1000));
  const inner = `<xml><ToUserName><![CDATA[${WECOM_APP.WECOM_CORP_ID}]]></ToUserName><FromUserName><![CDATA[${userId}]]></FromUserName><CreateTime>${seconds}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event><EventKey><![CDATA[${rg}]]></EventKey><TaskId><![CDATA[task-1]]></TaskId><CardType><![CDATA[button_interaction]]></CardType><ResponseCode><![CDATA[rc]]></ResponseCode><AgentID>1000002</AgentID></xml>`;
  const encrypted = sealedEncrypt(
    WECOM_APP.WECOM_CALLBACK_AES_KEY,
    options.corpId ?? WECOM_APP.WECOM_CORP_ID,
    inner,
  );
  const query = sealedQuery(options.token ?? WECOM_APP.WECOM_CALLBACK_TOKEN, encrypted, seconds);
  return {
    path: `/api/chat/wecom/callback?${query.toString()}`,
    body: `<xml><ToUserName><![CDATA[${WECOM_APP.WECOM_CORP_ID}]]></ToUserName><AgentID><![CDATA[1000002]]></AgentID><Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>`,
    headers: { 'content-type': 'text/xml' },
  };
}

/** DingTalk's card actionCallback (params: the button's rg and the typed reason), sealed and signed. */
export function dingtalkPress(now: Date, userId: string, rg: string, reason?: string): VendorRequest {
  const event = {
    type: 'actionCallback',
    outTrackId: 'track-1',
    corpId: DINGTALK_APP.DINGTALK_CALLBACK_OWNER_KEY,
    userId,
    content: JSON.stringify({
      cardPrivateData: { actionIds: ['act'], params: { rg, ...(reason && { reason }) } },
    }),
  };
  const encrypted = sealedEncrypt(
    DINGTALK_APP.DINGTALK_CALLBACK_AES_KEY,
    DINGTALK_APP.DINGTALK_CALLBACK_OWNER_KEY,
    JSON.stringify(event),
  );
  const query = sealedQuery(DINGTALK_APP.DINGTALK_CALLBACK_TOKEN, encrypted, String(now.getTime()));
  return {
    path: `/api/chat/dingtalk/callback?${query.toString()}`,
    body: JSON.stringify({ encrypt: encrypted }),
    headers: { 'content-type': 'application/json' },
  };
}

/** Sends a vendor's request to the server; the answer's status, text and JSON (when it is JSON). */
export async function sendToServer(baseUrl: string, r: VendorRequest) {
  const res = await fetch(`${baseUrl}${r.path}`, { method: 'POST', body: r.body, headers: r.headers });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, text, json };
}

/**
 * Binds chat identities (columns of users: feishu_user_id, wecom_user_id, dingtalk_user_id) as
 * the security administrator would: confirmed, so a card pressed by them acts as the user.
 */
export async function bindConfirmed(
  t: { database: { db: { kysely: Kysely<Database> } }; clock: { now(): Date } },
  username: string,
  contact: Partial<Record<'feishu_user_id' | 'wecom_user_id' | 'dingtalk_user_id' | 'mobile_phone', string>>,
) {
  await t.database.db.kysely
    .updateTable('users')
    .set({
      ...contact,
      chat_ids_confirmed_by: 'secadmin',
      chat_ids_confirmed_at: t.clock.now().toISOString(),
    })
    .where('username', '=', username)
    .execute();
}
