import { describe, expect, it } from 'vitest';
import { sectionGaps } from './plan';

describe('PL-1 plan sections', () => {
  it('PL-1 the baseline section needs the target version of every CI', () => {
    const baseline = (targetVersion: string) => ({
      baseline: { baselineId: null, targets: [{ ciId: 'a', currentVersion: '1.4.0', targetVersion }] },
    });
    expect(sectionGaps(baseline('1.5.0'), ['baseline'])).toEqual([]);
    expect(sectionGaps(baseline(' '), ['baseline'])).toEqual([
      {
        section: 'baseline',
        code: 'target_versions',
        reason: 'give the target version of every CI in the baseline',
      },
    ]);
  });
});
