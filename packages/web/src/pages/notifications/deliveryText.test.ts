import { describe, expect, it } from 'vitest';
import type { FieldProblem } from '@releasegate/messages';
import { fieldProblemText } from '../../common/fieldText';
import { enT, zhT } from '../../i18n/testing';
import { deliveryErrorText } from './deliveryText';

describe('webhook refusals and delivery errors in the reader language (X-4, X-2)', () => {
  it('X-4 the outbound policy refusal beside the URL field is shown in Chinese, naming the rule, the address and its range', () => {
    const rule = 'x4_outbound_policy';
    expect(
      fieldProblemText(
        { code: 'outbound_address', params: { rule, address: '169.254.169.254', range: 'link-local' } },
        'zh',
      ),
    ).toBe(
      'X-4 外发访问策略：169.254.169.254 属于链路本地地址，未在 OUTBOUND_ALLOW 中放行，服务器不会向该地址发送请求',
    );
    expect(
      fieldProblemText(
        {
          code: 'outbound_resolved',
          params: { rule, host: 'localhost', address: '127.0.0.1', range: 'loopback' },
        },
        'zh',
      ),
    ).toBe(
      'X-4 外发访问策略：localhost 解析为 127.0.0.1，属于回环地址，未在 OUTBOUND_ALLOW 中放行，服务器不会向该地址发送请求',
    );
    const mapped = {
      code: 'outbound_address',
      params: { rule, address: '::ffff:7f00:1', range: 'IPv4-mapped' },
    };
    expect(fieldProblemText(mapped as FieldProblem, 'zh')).toContain('属于IPv4 映射地址');
    expect(fieldProblemText(mapped as FieldProblem, 'en')).toBe(
      'X-4 outbound policy: ::ffff:7f00:1 is an IPv4-mapped address, not listed in OUTBOUND_ALLOW',
    );
    expect(fieldProblemText({ code: 'credential_hidden', params: {} }, 'zh')).toBe(
      '地址中仍有隐藏凭据的 ***：请保持原地址不变，或填写完整地址（X-4）',
    );
  });

  it('X-2 X-4 delivery errors and test results read as status and class, in Chinese and in English', () => {
    const zh = (text: string) => deliveryErrorText(zhT, 'zh', text);
    expect(
      zh(
        'blocked by outbound policy (X-4): hooks.rebind.test resolves to 127.0.0.1, a loopback address, not listed in OUTBOUND_ALLOW',
      ),
    ).toBe(
      '已被外发访问策略拦截（X-4）：hooks.rebind.test 解析为 127.0.0.1，属于回环地址，未在 OUTBOUND_ALLOW 中放行',
    );
    expect(zh('timeout: no answer from hooks.example.com within 10000 ms')).toBe(
      '超时：hooks.example.com 在 10000 毫秒内没有应答',
    );
    expect(zh('refused: 127.0.0.1:4567 refused the connection')).toBe('连接被拒绝：127.0.0.1:4567');
    expect(zh('redirect not followed: HTTP 302')).toBe(
      '接收方要求重定向（HTTP 302），出于安全考虑不跟随，请填写最终地址',
    );
    expect(zh('HTTP 500')).toBe('接收方返回 HTTP 500');
    expect(zh('the wecom robot refused the message: code 93000')).toBe(
      '企业微信机器人拒收消息，错误码 93000',
    );
    expect(zh("the dingtalk robot's reply is not a JSON object (HTTP 200)")).toBe(
      '钉钉机器人的应答不是 JSON 对象（HTTP 200）',
    );
    expect(zh('SMTP is not configured (SMTP_URL)')).toBe('未配置邮件服务器（SMTP_URL），未发送');
    // A text from before these classes existed is shown as the server wrote it.
    expect(zh('could not reach hooks.example.com: fetch failed')).toBe(
      'could not reach hooks.example.com: fetch failed',
    );

    expect(
      deliveryErrorText(
        enT,
        'en',
        'blocked by outbound policy (X-4): 10.0.12.7 is a private address, not listed in OUTBOUND_ALLOW',
      ),
    ).toBe(
      'Blocked by the outbound policy (X-4): 10.0.12.7 is a private address, not listed in OUTBOUND_ALLOW',
    );
    expect(deliveryErrorText(enT, 'en', 'the feishu robot refused the message: code 19021')).toBe(
      'The Feishu robot refused the message: code 19021',
    );
  });
});
