import { describe, expect, it } from 'vitest';
import type { Message } from './notification.repository';
import {
  acceptanceProblem,
  cutUtf8,
  ROBOT_SIZE_LIMITS,
  TRUNCATED_MARK,
  webhookRequest,
  type Mention,
} from './webhook.formats';

const now = new Date('2026-03-02T02:00:00.000Z');
const PUBLIC = 'https://release.example.com';
const message = (
  body = 'REL-2026-0007 回退触发：请在 30 分钟内决策。',
  en = 'Decide within 30 minutes.',
): Message => ({
  eventId: 'e1',
  kind: 'trigger_raised',
  title: { zh: 'REL-2026-0007 回退触发', en: 'REL-2026-0007 rollback trigger' },
  body: { zh: body, en },
  link: '/releases/r7',
  releaseId: 'r7',
  occurredAt: now.toISOString(),
});
const person = (over: Partial<Mention>): Mention => ({
  name: '王经理',
  phone: null,
  dingtalkUserId: null,
  wecomUserId: null,
  feishuUserId: null,
  ...over,
});
const request = (format: 'dingtalk' | 'wecom' | 'feishu', m: Message, mentions: Mention[] = []) =>
  webhookRequest(
    { format, url: 'https://robot.example.com/send', secret: null },
    { id: 'd1', message: m },
    now,
    PUBLIC,
    mentions,
  );
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('robot messages: @-mentions and size limits (X-2, RB-2, PL-2, PO-1)', () => {
  const manager = person({
    name: '王经理',
    phone: '13800001111',
    dingtalkUserId: 'ding-wang',
    wecomUserId: 'wangjl',
    feishuUserId: 'ou_wang',
  });
  const byPhone = person({ name: '李主任', phone: '+8613900002222' });
  const nothing = person({ name: '赵委员' });

  it('X-2 RB-2 DingTalk: at.atMobiles / at.atUserIds name the bound people and the text carries @phone (or @userId) as DingTalk requires; the unbound are named in plain text; the deep link is kept', () => {
    const dingOnly = person({ name: '钱工', dingtalkUserId: 'ding-qian' });
    const body = JSON.parse(request('dingtalk', message(), [manager, dingOnly, nothing]).body);
    expect(body.at).toEqual({ atMobiles: ['13800001111'], atUserIds: ['ding-qian'], isAtAll: false });
    expect(body.markdown.text).toContain('@13800001111 @ding-qian 赵委员');
    expect(body.markdown.text).toContain(`[查看详情 View](${PUBLIC}/releases/r7)`);
    // Nobody to mention: no `at` at all (the message is what it was).
    expect(JSON.parse(request('dingtalk', message()).body)).not.toHaveProperty('at');
  });

  it('X-2 PL-2 WeCom: markdown mentions by <@userid>; anyone known by phone only turns it into text with mentioned_list and mentioned_mobile_list', () => {
    const md = JSON.parse(request('wecom', message(), [manager, nothing]).body);
    expect(md.msgtype).toBe('markdown');
    expect(md.markdown.content).toContain('<@wangjl> 赵委员');
    const text = JSON.parse(request('wecom', message(), [manager, byPhone, nothing]).body);
    expect(text.msgtype).toBe('text');
    expect(text.text.mentioned_list).toEqual(['wangjl']);
    expect(text.text.mentioned_mobile_list).toEqual(['+8613900002222']);
    expect(text.text.content).toContain(`${PUBLIC}/releases/r7`);
  });

  it('X-2 PO-1 Feishu: post rich text carries {tag: at, user_id} for the bound and plain text for the rest, in both languages', () => {
    const body = JSON.parse(request('feishu', message(), [manager, nothing]).body);
    for (const lang of ['zh_cn', 'en_us']) {
      const lines = body.content.post[lang].content as {
        tag: string;
        user_id?: string;
        text?: string;
        href?: string;
      }[][];
      const flat = lines.flat();
      expect(flat).toContainEqual({ tag: 'at', user_id: 'ou_wang', user_name: '王经理' });
      expect(flat).toContainEqual({ tag: 'text', text: '赵委员' });
      expect(flat.some((e) => e.tag === 'a' && e.href === `${PUBLIC}/releases/r7`)).toBe(true);
    }
  });

  it("X-2 a message over each vendor's limit is cut at a character boundary with the marker, the link kept; the limits are the vendors' published figures", () => {
    expect(ROBOT_SIZE_LIMITS).toEqual({
      dingtalk: { text: 20_000, markdown: 20_000 },
      wecom: { text: 2_048, markdown: 4_096 },
      feishu: { body: 20_000 },
    });
    // Three-byte CJK, a four-byte emoji (a surrogate pair in JavaScript) and ASCII, so a cut can
    // fall anywhere inside a sequence.
    const long = '发布证据😀a'.repeat(3000);
    const link = `${PUBLIC}/releases/r7`;
    const ding = JSON.parse(request('dingtalk', message(long), [manager]).body).markdown.text as string;
    expect(bytes(ding)).toBeLessThanOrEqual(20_000);
    expect(bytes(ding)).toBeGreaterThan(19_900);
    expect(ding).toContain(TRUNCATED_MARK.zh);
    expect(ding).toContain(link);
    expect(ding).toContain('@13800001111');
    const md = JSON.parse(request('wecom', message(long), [manager]).body).markdown.content as string;
    expect(bytes(md)).toBeLessThanOrEqual(4096);
    expect(md).toContain(TRUNCATED_MARK.zh);
    expect(md).toContain(link);
    const text = JSON.parse(request('wecom', message(long), [byPhone]).body).text.content as string;
    expect(bytes(text)).toBeLessThanOrEqual(2048);
    expect(text).toContain(TRUNCATED_MARK.zh);
    expect(text).toContain(link);
    const feishu = request('feishu', message(long, 'evidence "quoted"\n'.repeat(2000)), [manager]).body;
    expect(bytes(feishu)).toBeLessThanOrEqual(20_000);
    expect(feishu).toContain(TRUNCATED_MARK.zh);
    expect(feishu).toContain(TRUNCATED_MARK.en);
    expect(feishu).toContain(link);
    // Never inside a UTF-8 sequence: no replacement character, no lone surrogate.
    for (const s of [ding, md, text, feishu]) {
      expect(s).not.toContain('\uFFFD');
      expect(Buffer.from(s, 'utf8').toString('utf8')).toBe(s);
      expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s)).toBe(false);
    }
    // A message within the limit is untouched.
    expect(JSON.parse(request('wecom', message()).body).markdown.content).not.toContain(TRUNCATED_MARK.zh);
  });

  it('X-2 a robot in "custom keywords" mode gets its keyword in every message title (DingTalk, WeCom, Feishu); the generic format is unchanged', () => {
    const withKeyword = (format: 'generic' | 'dingtalk' | 'wecom' | 'feishu') =>
      webhookRequest(
        { format, url: 'https://robot.example.com/send', secret: null, keyword: '发布通知' },
        { id: 'd1', message: message() },
        now,
        PUBLIC,
      ).body;
    const ding = JSON.parse(withKeyword('dingtalk'));
    expect(ding.markdown.title).toBe('【发布通知】REL-2026-0007 回退触发');
    expect(ding.markdown.text).toContain('### 【发布通知】REL-2026-0007 回退触发');
    expect(JSON.parse(withKeyword('wecom')).markdown.content).toContain(
      '**【发布通知】REL-2026-0007 回退触发**',
    );
    const feishu = JSON.parse(withKeyword('feishu')).content.post;
    expect(feishu.zh_cn.title).toBe('【发布通知】REL-2026-0007 回退触发');
    expect(feishu.en_us.title).toBe('[发布通知] REL-2026-0007 rollback trigger');
    expect(JSON.parse(withKeyword('generic')).title.zh).toBe('REL-2026-0007 回退触发');
  });

  it('X-2 cutUtf8 keeps whole code points within the byte budget', () => {
    expect(cutUtf8('a发😀', 1)).toBe('a');
    expect(cutUtf8('a发😀', 3)).toBe('a');
    expect(cutUtf8('a发😀', 4)).toBe('a发');
    expect(cutUtf8('a发😀', 7)).toBe('a发');
    expect(cutUtf8('a发😀', 8)).toBe('a发😀');
  });

  it('X-2 the robots\' "too many messages" answers are rate_limited (DingTalk 130101, WeCom 45009, Feishu 11232, HTTP 429); their published words are kept, anything else a robot says is not', () => {
    expect(
      acceptanceProblem(
        'dingtalk',
        200,
        JSON.stringify({ errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' }),
      ),
    ).toEqual({
      errorClass: 'rate_limited',
      reason: {
        code: 'delivery_robot_refused_said',
        params: { format: 'dingtalk', code: '130101', said: 'send too fast' },
      },
    });
    expect(
      acceptanceProblem('wecom', 200, JSON.stringify({ errcode: 45009, errmsg: 'api freq out of limit' }))
        ?.errorClass,
    ).toBe('rate_limited');
    expect(
      acceptanceProblem('feishu', 200, JSON.stringify({ code: 11232, msg: 'frequency limited psm[x]' }))
        ?.errorClass,
    ).toBe('rate_limited');
    expect(acceptanceProblem('feishu', 429, '')?.errorClass).toBe('rate_limited');
    expect(acceptanceProblem('generic', 429, '')?.errorClass).toBe('http_status');
    // The vendor's words for a refusal, without what follows them (a hint may quote the message).
    expect(
      acceptanceProblem(
        'dingtalk',
        200,
        JSON.stringify({ errcode: 310000, errmsg: 'keywords not in content, more: [secret text]' }),
      ),
    ).toEqual({
      errorClass: 'robot_refused',
      reason: {
        code: 'delivery_robot_refused_said',
        params: { format: 'dingtalk', code: '310000', said: 'keywords not in content' },
      },
    });
    expect(
      acceptanceProblem(
        'feishu',
        200,
        JSON.stringify({
          code: 19021,
          msg: 'sign match fail or timestamp is not within one hour from current time',
        }),
      )?.reason,
    ).toMatchObject({
      code: 'delivery_robot_refused_said',
    });
    // Words the vendor does not publish for the code are not read through the server.
    expect(
      acceptanceProblem('wecom', 200, JSON.stringify({ errcode: 93000, errmsg: 'db_password=TOPSECRET' })),
    ).toEqual({
      errorClass: 'robot_refused',
      reason: { code: 'delivery_robot_refused', params: { format: 'wecom', code: '93000' } },
    });
  });
});
