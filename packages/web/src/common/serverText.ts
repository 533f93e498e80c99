/**
 * The server speaks English. Field messages and refusals it sends often are shown in Chinese
 * when the interface is in Chinese; anything not listed here is shown as the server wrote it.
 */
const zhFieldMessages: Record<string, string> = {
  required: '必填',
  'at least 2 characters': '至少 2 个字符',
  'at most 64 characters': '最多 64 个字符',
  'at most 100 characters': '最多 100 个字符',
  'letters, digits and . _ @ - only': '只能包含字母、数字及 . _ @ -',
  'not an e-mail address': '不是有效的电子邮箱地址',
  'already taken': '已被占用',
  'at least 12 characters': '至少 12 个字符',
  'at most 256 characters': '最多 256 个字符',
  'at least three of: lower case, upper case, digits, symbols':
    '需包含小写字母、大写字母、数字、符号中的至少三类',
  'must not contain the user name': '不能包含用户名',
  'is a commonly used password': '这是常见密码，容易被猜中',
  'must not be one character or a short group repeated': '不能由同一个字符或一小段字符重复组成',
  'wrong password': '密码错误',
  'choose at least one scope': '请至少选择一项权限范围',
  'say why': '请说明原因',
  'say why (CM-4)': '请说明原因（CM-4 要求记录每次变更的原因）',
  'say why (DS-1)': '请说明原因（DS-1 要求记录退役原因）',
  'already exists for this type and environment': '该环境中已有同类型、同名称的配置项',
  'already registered': '该名称和版本号已登记',
  '64 lower-case hex characters': '应为 64 位小写十六进制字符（SHA-256）',
  'an absolute URL': '应为完整的网址，如 https://…',
  'an absolute http:// or https:// URL': '应为以 http:// 或 https:// 开头的完整网址',
  'still shows *** where a credential was hidden: keep the address unchanged or type it in full':
    '地址中仍有隐藏凭据的 ***：请保持原地址不变，或填写完整地址（X-4）',
  'no spaces or slashes': '不能包含空格或斜杠',
  'must be text': '应为文本',
  'must be a number': '应为数字',
  'must be true or false': '应为“是”或“否”',
  'must be a date (YYYY-MM-DD)': '应为日期（YYYY-MM-DD）',
  'must be an IPv4 or IPv6 address': '应为有效的 IPv4 或 IPv6 地址（如 10.0.0.8 或 fd00::8）',
  'name at least one release item or target configuration item': '请至少添加一个发布项或目标配置项',
  'required when the outcome is failed or rolled back': '结果为失败或已回退时必须写明分析',
  'same as the source': '不能与源配置项相同',
  'at most 200 characters': '最多 200 个字符',
  'choose at least one CI': '请至少选择一个配置项',
  empty: '没有符合条件的配置项',
  'too many CIs': '配置项过多，请缩小范围',
  invalid: '无效',
  'must be one of: production, staging, test, development, disaster_recovery':
    '必须是以下之一：生产、预生产、测试、开发、灾备',
  'must be one of: depends_on, runs_on, connects_to, part_of': '必须是以下之一：依赖、运行于、连接、属于',
  'choose at least one approved change': '请至少选择一个已批准的变更',
  'choose at least one change': '请至少选择一个变更',
  'say why the proposal does not fit': '请说明不采纳系统建议的原因（TY-3）',
  'give the reason': '请填写原因',
  'record why': '请填写决定理由',
  'name the people': '请列出参与的人员',
  'say what must change': '请说明需要修改的内容',
  'describe the change': '请说明修订内容',
  'already exists': '已存在',
  'today or later': '不能早于今天',
  'at least one role': '请至少选择一个角色',
  'PR-2: a plan always needs its rollback section': 'PR-2：发布计划必须包含回退措施',
  'after the start': '必须晚于开始时间',
  'a software item names its DSL version': '软件发布项须选择最终软件库中的版本',
  'name the configuration items this item changes': '请选择该发布项改变的配置项',
  'an ISO 8601 date-time': '应为日期时间',
  'a date YYYY-MM-DD': '应为日期（YYYY-MM-DD）',
  'no technical risk assessed': '未评估技术风险',
  'no business risk assessed': '未评估业务风险',
  'no management risk assessed': '未评估管理风险',
  'give the evidence': '请提供证据：说明、链接或文件（IM-1）',
  'say why the release continues': '请说明继续实施的理由（RB-2）',
  'say why the rollback failed': '请说明回退失败的原因',
  'say what is wrong': '请描述发现的问题',
  'say where it came from': '请填写反馈渠道',
  'say who reported it': '请填写反馈人',
  'say what was reported': '请填写反馈内容',
  'not after now': '不能晚于当前时间',
  'not in the plan': '计划中没有这个指标',
  'lower-case letters, digits and _': '以小写字母开头，只能包含小写字母、数字和 _',
  'each indicator key once': '指标标识不能重复',
  'not a valid regular expression': '不是有效的正则表达式',
  'name the business department': '请填写业务部门',
  'say what is not accepted': '请说明不予验收的原因',
  // text refused at the edge (the server's http/text-input.ts).
  'must not contain the NUL character (U+0000)': '不能包含空字符（U+0000）',
  'must be valid Unicode (a lone surrogate is not)': '含有无效的 Unicode 字符（孤立的代理项）',
  'must be valid UTF-8': '必须是有效的 UTF-8 文本',
  // zod's words for a number that must be whole.
  'Invalid input: expected int, received number': '须为整数',
  'must be percent-encoded UTF-8': '必须是按 UTF-8 百分号编码的文本',
};

const DSL_STATE_ZH: Record<string, string> = {
  draft: '待上传',
  pending: '待审批',
  rejected: '已驳回',
  retired: '已退役',
};

const zhPrefixes: [string, string][] = [
  ['must be one of: ', '必须是以下之一：'],
  ['unknown attribute; this type has: ', '未知属性；该类型的属性有：'],
  ['unknown CI type ', '未知的配置项类型：'],
  ['unknown CI ', '未知的配置项：'],
  ['unknown release ', '未知的发布：'],
  ['unknown configuration item ', '未知的配置项：'],
];

/** Length and count limits the server states in words ("at most 40 characters"). */
const zhLimits: [RegExp, (n: string) => string][] = [
  [/^at most (\d+) characters$/, (n) => `最多 ${n} 个字符`],
  [/^at least (\d+) characters$/, (n) => `至少 ${n} 个字符`],
  [/^at most (\d+) tags$/, (n) => `最多 ${n} 个标签`],
  [/^at most (\d+)$/, (n) => `最多 ${n} 项`],
  // zod's own words for a schema's bounds (X-4: a text over its limit is refused, never cut).
  [/^Too big: expected string to have <=(\d+) characters$/, (n) => `超出长度上限：最多 ${n} 个字符`],
  [/^Too big: expected array to have <=(\d+) items$/, (n) => `最多 ${n} 项`],
  [/^Too small: expected (?:number|int) to be >=(-?[\d.]+)$/, (n) => `不能小于 ${n}`],
  [/^Too small: expected (?:number|int) to be >(-?[\d.]+)$/, (n) => `须大于 ${n}`],
  [/^Too big: expected (?:number|int) to be <=(-?[\d.]+)$/, (n) => `不能大于 ${n}`],
];

/** the special-purpose address ranges the outbound policy names in its refusals. */
const OUTBOUND_RANGE_ZH: Record<string, string> = {
  loopback: '回环地址',
  private: '私有地址',
  'link-local': '链路本地地址',
  'carrier-grade NAT': '运营商级 NAT 地址',
  'unique local': '唯一本地地址',
  'IPv4-mapped': 'IPv4 映射地址',
  'IPv4-compatible': 'IPv4 兼容地址',
  unspecified: '未指定地址',
  multicast: '组播地址',
  broadcast: '广播地址',
  reserved: '保留地址',
  'special-purpose': '特殊用途地址',
};

/**
 * The outbound policy's reason in Chinese: "127.0.0.1 is a loopback address, not listed in
 * OUTBOUND_ALLOW", or "localhost resolves to 127.0.0.1, a loopback address, …". Undefined when the
 * text is not one of them.
 */
export function outboundReasonZh(reason: string): string | undefined {
  const range = (r: string) => OUTBOUND_RANGE_ZH[r] ?? r;
  let m = /^(\S+) is an? (.+) address, not listed in OUTBOUND_ALLOW$/.exec(reason);
  if (m) return `${m[1]} 属于${range(m[2])}，未在 OUTBOUND_ALLOW 中放行`;
  m = /^(\S+) resolves to (\S+), an? (.+) address, not listed in OUTBOUND_ALLOW$/.exec(reason);
  if (m) return `${m[1]} 解析为 ${m[2]}，属于${range(m[3])}，未在 OUTBOUND_ALLOW 中放行`;
  if (reason === 'only http and https are called') return '只调用 http 和 https 地址';
  return undefined;
}

export function localizeFieldMessage(message: string, language: string): string {
  if (language === 'en') return message;
  const known = zhFieldMessages[message];
  if (known) return known;
  const outbound = /^X-4 outbound policy: (.+)$/.exec(message);
  const outboundZh = outbound && outboundReasonZh(outbound[1]);
  if (outboundZh) return `X-4 外呼策略：${outboundZh}，服务器不会向该地址发送请求`;
  if (message.startsWith('must differ from the last')) return '不能与最近使用过的密码相同';
  let m = /^DS-2: DSL version (\S+) is (\w+), not approved$/.exec(message);
  if (m) return `DS-2：该软件版本尚未批准（${DSL_STATE_ZH[m[2]] ?? m[2]}），只能发布已批准的版本`;
  m = /^configuration item (\S+) does not exist or is retired$/.exec(message);
  if (m) return `配置项 ${m[1]} 不存在或已退役`;
  m = /^DSL version (\S+) does not exist$/.exec(message);
  if (m) return `软件版本 ${m[1]} 不存在`;
  // PC-1: a policy rule outside the bounds no version may leave ("RB-2 decision clock within
  // bounds: 300 is outside 5–240"), or an escalation not before the decision is due.
  m = /^(\S+) [^:]+: (-?[\d.]+) is outside (-?[\d.]+)–(-?[\d.]+)$/.exec(message);
  if (m) return `${m[2]} 超出允许范围：须在 ${m[3]} 至 ${m[4]} 之间（${m[1]}）`;
  m = /^(\S+) escalation before the deadline: (.+) is not between 0 and the decision clock$/.exec(message);
  if (m) return `提前 ${m[2]} 分钟不早于回退决策时限，无法提前提醒（${m[1]}）`;
  for (const [pattern, zh] of zhLimits) {
    const limit = pattern.exec(message);
    if (limit) return zh(limit[1]);
  }
  for (const [prefix, zh] of zhPrefixes)
    if (message.startsWith(prefix)) return zh + message.slice(prefix.length);
  return message;
}
