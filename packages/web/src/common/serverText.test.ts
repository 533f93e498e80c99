import { describe, expect, it } from 'vitest';
import { localizeFieldMessage } from './serverText';

describe('server field messages in Chinese', () => {
  it('X-4 every reason the password rules give reads in Chinese next to the field', () => {
    const reasons = {
      'at least 12 characters': '至少 12 个字符',
      'is a commonly used password': '这是常见密码，容易被猜中',
      'must not be one character or a short group repeated': '不能由同一个字符或一小段字符重复组成',
      'must not contain the user name': '不能包含用户名',
      'at least three of: lower case, upper case, digits, symbols':
        '需包含小写字母、大写字母、数字、符号中的至少三类',
      'must differ from the last 5 passwords': '不能与最近使用过的密码相同',
    };
    for (const [server, zh] of Object.entries(reasons)) {
      expect(localizeFieldMessage(server, 'zh')).toBe(zh);
      expect(localizeFieldMessage(server, 'en')).toBe(server);
    }
  });

  it('X-4 PR-3 text refused at the edge (NUL, lone surrogate, not UTF-8) reads in Chinese next to the field', () => {
    expect(localizeFieldMessage('must not contain the NUL character (U+0000)', 'zh')).toBe(
      '不能包含空字符（U+0000）',
    );
    expect(localizeFieldMessage('must be valid UTF-8', 'zh')).toBe('必须是有效的 UTF-8 文本');
    expect(localizeFieldMessage('must be valid UTF-8', 'en')).toBe('must be valid UTF-8');
  });

  it('X-4 a refused link reads in Chinese', () => {
    expect(localizeFieldMessage('an absolute http:// or https:// URL', 'zh')).toBe(
      '应为以 http:// 或 https:// 开头的完整网址',
    );
  });

  it('X-4 PC-1 a refused number reads in Chinese: its bound, a whole number, a policy rule out of its range', () => {
    const reasons = {
      'Too small: expected number to be >=1': '不能小于 1',
      'Too big: expected number to be <=366': '不能大于 366',
      'Too big: expected int to be <=9007199254740991': '不能大于 9007199254740991',
      'Invalid input: expected int, received number': '须为整数',
      'RB-2 decision clock within bounds: 300 is outside 5–240':
        '300 超出允许范围：须在 5 至 240 之间（RB-2）',
      'RB-2 escalation before the deadline: 300 is not between 0 and the decision clock':
        '提前 300 分钟不早于回退决策时限，无法提前提醒（RB-2）',
    };
    for (const [server, zh] of Object.entries(reasons)) expect(localizeFieldMessage(server, 'zh')).toBe(zh);
  });
});
