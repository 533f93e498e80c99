import { describe, expect, it } from 'vitest';
import type { FieldProblem, Reason } from '@releasegate/messages';
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

  it('X-2 X-4 X-3 delivery errors and test results read from their codes as status and class, in Chinese and in English', () => {
    const zh = (reason: Reason) => deliveryErrorText(zhT, { reason, text: 'the English, never read' });
    expect(
      zh({
        code: 'delivery_blocked_resolved',
        params: { host: 'hooks.rebind.test', address: '127.0.0.1', range: 'loopback' },
      }),
    ).toBe(
      '已被外发访问策略拦截（X-4）：hooks.rebind.test 解析为 127.0.0.1，属于回环地址，未在 OUTBOUND_ALLOW 中放行',
    );
    expect(zh({ code: 'delivery_timeout', params: { host: 'hooks.example.com', ms: 10000 } })).toBe(
      '超时：hooks.example.com 在 10000 毫秒内没有应答',
    );
    expect(zh({ code: 'delivery_refused', params: { host: '127.0.0.1:4567' } })).toBe(
      '连接被拒绝：127.0.0.1:4567',
    );
    expect(zh({ code: 'delivery_redirect', params: { status: 302 } })).toBe(
      '接收方要求重定向（HTTP 302），出于安全考虑不跟随，请填写最终地址',
    );
    expect(zh({ code: 'delivery_http_status', params: { status: 500 } })).toBe('接收方返回 HTTP 500');
    expect(zh({ code: 'delivery_robot_refused', params: { format: 'wecom', code: '93000' } })).toBe(
      '企业微信机器人拒收消息，错误码 93000',
    );
    expect(zh({ code: 'delivery_bad_reply', params: { format: 'dingtalk', status: 200 } })).toBe(
      '钉钉机器人的应答不是 JSON 对象（HTTP 200）',
    );
    expect(zh({ code: 'delivery_smtp_not_configured', params: {} })).toBe(
      '未配置邮件服务器（SMTP_URL），未发送',
    );
    expect(zh({ code: 'delivery_smtp_rejected', params: { status: 550 } })).toBe(
      '邮件服务器拒收邮件，SMTP 响应码 550',
    );
    // Without a code (a record from before them, an error the server could not classify): as written.
    expect(
      deliveryErrorText(zhT, { reason: null, text: 'could not reach hooks.example.com: fetch failed' }),
    ).toBe('could not reach hooks.example.com: fetch failed');
    expect(deliveryErrorText(zhT, { reason: null, text: 'HTTP 500' })).toBe('HTTP 500');

    expect(
      deliveryErrorText(enT, {
        reason: {
          code: 'delivery_blocked_address',
          params: { address: '10.0.12.7', range: 'private' },
        },
        text: null,
      }),
    ).toBe('blocked by outbound policy (X-4): 10.0.12.7 is a private address, not listed in OUTBOUND_ALLOW');
    expect(
      deliveryErrorText(enT, {
        reason: { code: 'delivery_robot_refused', params: { format: 'feishu', code: '19021' } },
        text: null,
      }),
    ).toBe('the Feishu robot refused the message: code 19021');
  });
});
