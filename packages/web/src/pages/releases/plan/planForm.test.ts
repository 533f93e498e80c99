import { describe, expect, it } from 'vitest';
import type { PlanContent } from '../../../api/types';
import { changedParts, contentKey, toContent, toFormValues, type PlanFormValues } from './planForm';

/** A saved plan with optional parts left out, as the server may return it. */
const saved: PlanContent = {
  purpose: '升级订单服务',
  scope: { ciIds: ['ci-1'], services: [] },
  participants: [{ name: '张伟', role: '运维工程师', responsibility: '执行' }],
  steps: [{ title: '部署', owner: '张伟', expectedMinutes: 20, verification: '接口返回 2.4.0' }],
  window: { start: '2026-12-01T14:00:00.000Z', end: '2026-12-01T16:00:00.000Z' },
};

describe('plan editor: unsaved changes', () => {
  it('PL-1: a plan just opened has nothing to save, however sparse its saved content', () => {
    for (const content of [saved, {}, { scope: { ciIds: ['ci-1'] } }] as PlanContent[]) {
      const values = toFormValues(content);
      // The editor compares the form's values with those it opened with, both in saved form.
      expect(contentKey(toFormValues(content))).toBe(contentKey(values));
      // Saving what was opened saves it again unchanged.
      expect(contentKey(toFormValues(toContent(values)))).toBe(contentKey(values));
    }
  });

  it('PL-1: normalisation is no edit: blank rows, untrimmed text and missing lists compare equal', () => {
    const opened = toFormValues(saved);
    const touched: PlanFormValues = {
      ...opened,
      purpose: '  升级订单服务 ',
      participants: [...opened.participants, { name: '', role: ' ', responsibility: '' }],
      rollback: { steps: [{ title: '' }], triggers: [] },
    };
    expect(contentKey(touched)).toBe(contentKey(opened));
  });

  it('PL-1: a real edit is a change', () => {
    const opened = toFormValues(saved);
    expect(contentKey({ ...opened, purpose: '升级订单服务和支付服务' })).not.toBe(contentKey(opened));
    expect(contentKey({ ...opened, steps: [...opened.steps, { title: '验证', owner: '李娜' }] })).not.toBe(
      contentKey(opened),
    );
  });
});

describe('plan approval: what changed since the earlier version', () => {
  it("PL-2 PL-3: names the changed sections in the plan's order, the monitoring last", () => {
    const revised: PlanContent = {
      ...saved,
      steps: [
        ...saved.steps!,
        { title: '验证', owner: '李娜', expectedMinutes: 5, verification: '转账成功' },
      ],
      purpose: '升级订单服务至 2.5.0',
      monitoring: { indicators: [], errorPatterns: ['ORA-'] },
    };
    expect(changedParts(saved, revised)).toEqual(['purpose', 'steps', 'monitoring']);
  });

  it('PL-3: a section filled in or emptied counts; an unchanged plan has no changes', () => {
    expect(changedParts(saved, structuredClone(saved))).toEqual([]);
    expect(changedParts({ purpose: 'x' }, { purpose: 'x', postDeployment: '监控 2 小时' })).toEqual([
      'post_deployment',
    ]);
    const { window: _window, ...withoutWindow } = saved;
    expect(changedParts(saved, withoutWindow)).toEqual(['window']);
  });
});
