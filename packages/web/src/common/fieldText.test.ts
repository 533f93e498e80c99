import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { fieldProblemText, fieldTexts } from './fieldText';

describe('X-3 field problems are codes the catalog renders (no server sentence is parsed)', () => {
  it('X-4 every reason the password rules give reads in Chinese next to the field', () => {
    const zh = {
      text_min: '至少 12 个字符',
      password_common: '这是常见密码，容易被猜中',
      password_repeated: '不能由同一个字符或一小段字符重复组成',
      password_has_username: '不能包含用户名',
      password_classes: '需包含小写字母、大写字母、数字、符号中的至少三类',
      password_reused: '不能与最近 5 次使用过的密码相同',
    } as const;
    const params = { text_min: { min: 12 }, password_reused: { count: 5 } } as Record<string, object>;
    for (const [code, text] of Object.entries(zh)) {
      const problem = { code, params: params[code] ?? {} } as Parameters<typeof fieldProblemText>[0];
      expect(fieldProblemText(problem, 'zh-CN')).toBe(text);
      expect(fieldProblemText(problem, 'en')).not.toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('X-4 PC-1 a refused number reads in Chinese: its bound, a whole number, a policy rule out of its range', () => {
    expect(fieldProblemText({ code: 'number_min', params: { min: 1 } }, 'zh')).toBe('不能小于 1');
    expect(fieldProblemText({ code: 'number_max', params: { max: 366 } }, 'zh')).toBe('不能大于 366');
    expect(fieldProblemText({ code: 'integer', params: {} }, 'zh')).toBe('须为整数');
    expect(
      fieldProblemText(
        {
          code: 'policy_outside_bounds',
          params: { rule: 'policy_decision_clock_bounds', value: 300, min: 5, max: 240 },
        },
        'zh',
      ),
    ).toBe('300 超出允许范围：须在 5 至 240 之间（RB-2 回退决策时限须在允许范围内）');
  });

  it('X-3 a refusal shows its field problems in the reader language, and keeps the words of a field sent without a code', () => {
    const error = new ApiError(400, 'invalid_input', 'Invalid body', {
      fields: { title: ['required'], legacy: ['some older words'] },
      fieldProblems: { title: [{ code: 'required', params: {} }] },
    });
    expect(fieldTexts(error, 'zh')).toEqual({ title: ['必填'], legacy: ['some older words'] });
    expect(fieldTexts(error, 'en')).toEqual({ title: ['required'], legacy: ['some older words'] });
  });
});
