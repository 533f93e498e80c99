import { z } from 'zod';

/**
 * X-2 (issue 17): the vendor apps whose interactive cards call back into ReleaseGate — a Feishu
 * app's card callback (Verification Token and Encrypt Key), a WeCom app's callback (Token,
 * EncodingAESKey and the corp id) and a DingTalk app's HTTP callback (token, aes_key and the
 * owner key: the corp id, or the app key). Part of config.ts's one schema; the secrets are read
 * from here only, never stored. A vendor left unset has no callback: its route answers 404.
 */
const aesKey = (name: string) =>
  z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || /^[A-Za-z0-9+/]{43}$/.test(v), {
      message: `${name} must be the 43-character EncodingAESKey the vendor's console shows`,
    });

export const chatEnv = {
  FEISHU_CARD_VERIFICATION_TOKEN: z.string().optional(),
  FEISHU_CARD_ENCRYPT_KEY: z.string().optional(),
  WECOM_CALLBACK_TOKEN: z.string().optional(),
  WECOM_CALLBACK_AES_KEY: aesKey('WECOM_CALLBACK_AES_KEY'),
  WECOM_CORP_ID: z.string().optional(),
  DINGTALK_CALLBACK_TOKEN: z.string().optional(),
  DINGTALK_CALLBACK_AES_KEY: aesKey('DINGTALK_CALLBACK_AES_KEY'),
  DINGTALK_CALLBACK_OWNER_KEY: z.string().optional(),
};

type ChatEnv = { [K in keyof typeof chatEnv]?: string };

/** A WeCom-style callback (WeCom and DingTalk share the scheme): token, AES key, whose messages. */
export interface SealedCallbackSettings {
  readonly token: string;
  /** The 43-character EncodingAESKey; the key is its base64 decoding with "=" appended. */
  readonly aesKey: string;
  /** The corp id (WeCom), or the corp id or app key (DingTalk) every message ends with. */
  readonly receiverId: string;
}

export interface ChatSettings {
  readonly feishu: { readonly verificationToken: string; readonly encryptKey: string } | null;
  readonly wecom: SealedCallbackSettings | null;
  readonly dingtalk: SealedCallbackSettings | null;
}

const given = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());

/** The settings, or the problems: a vendor is configured whole or not at all. */
export function chatSettings(e: ChatEnv): { settings: ChatSettings; problems: string[] } {
  const problems: string[] = [];
  const whole = <T>(vendor: string, names: (keyof ChatEnv)[], make: (v: string[]) => T): T | null => {
    const values = names.map((n) => given(e[n]));
    if (values.every((v) => v === undefined)) return null;
    const missing = names.filter((_, i) => values[i] === undefined);
    if (missing.length > 0) {
      problems.push(`${missing.join(', ')}: ${vendor} card callbacks need ${names.join(', ')} together`);
      return null;
    }
    return make(values as string[]);
  };
  return {
    settings: {
      feishu: whole('Feishu', ['FEISHU_CARD_VERIFICATION_TOKEN', 'FEISHU_CARD_ENCRYPT_KEY'], ([t, k]) => ({
        verificationToken: t,
        encryptKey: k,
      })),
      wecom: whole(
        'WeCom',
        ['WECOM_CALLBACK_TOKEN', 'WECOM_CALLBACK_AES_KEY', 'WECOM_CORP_ID'],
        ([t, k, r]) => ({
          token: t,
          aesKey: k,
          receiverId: r,
        }),
      ),
      dingtalk: whole(
        'DingTalk',
        ['DINGTALK_CALLBACK_TOKEN', 'DINGTALK_CALLBACK_AES_KEY', 'DINGTALK_CALLBACK_OWNER_KEY'],
        ([t, k, r]) => ({ token: t, aesKey: k, receiverId: r }),
      ),
    },
    problems,
  };
}
