import { describe, expect, it } from 'vitest';
import { assertReleaseItems, checkReleaseItems, type ReleaseItem } from './release-item';

const dsl: Record<string, string> = { v1: 'approved', v2: 'pending', v3: 'retired' };
const cis = new Set(['ci-app', 'ci-db']);
const check = (items: ReleaseItem[]) =>
  checkReleaseItems(
    items,
    (id) => dsl[id],
    (id) => cis.has(id),
  );

describe('release items', () => {
  it('PR-6 DS-2 a release item is software (an approved DSL version), hardware, a document or a service, each naming its CIs', () => {
    expect(
      check([
        { kind: 'software', title: 'billing 2.1', dslVersionId: 'v1', ciIds: ['ci-app'] },
        { kind: 'hardware', title: 'new disk shelf', ciIds: ['ci-db'] },
        { kind: 'document', title: '运维手册 v3', ciIds: ['ci-app'] },
        { kind: 'service', title: 'new SLA', ciIds: ['ci-app', 'ci-db'] },
      ]),
    ).toEqual([]);
  });

  it('DS-2 software must be an approved DSL version; every problem is named', () => {
    expect(
      check([
        { kind: 'software', title: 'a', dslVersionId: 'v2', ciIds: ['ci-app'] },
        { kind: 'software', title: 'b', ciIds: [] },
        { kind: 'hardware', title: 'c', dslVersionId: 'v1', ciIds: ['ci-gone'] },
        { kind: 'software', title: 'd', dslVersionId: 'v9', ciIds: ['ci-app'] },
        { kind: 'software', title: 'e', dslVersionId: 'v3', ciIds: ['ci-app'] },
      ]),
    ).toEqual([
      {
        index: 0,
        field: 'dslVersionId',
        problem: { code: 'dsl_version_not_approved', params: { id: 'v2', state: 'pending' } },
      },
      { index: 1, field: 'dslVersionId', problem: { code: 'software_item_needs_version', params: {} } },
      { index: 1, field: 'ciIds', problem: { code: 'item_needs_cis', params: {} } },
      {
        index: 2,
        field: 'dslVersionId',
        problem: { code: 'only_software_names_version', params: { kind: 'hardware' } },
      },
      { index: 2, field: 'ciIds', problem: { code: 'ci_missing', params: { id: 'ci-gone' } } },
      { index: 3, field: 'dslVersionId', problem: { code: 'dsl_version_missing', params: { id: 'v9' } } },
      {
        index: 4,
        field: 'dslVersionId',
        problem: { code: 'dsl_version_not_approved', params: { id: 'v3', state: 'retired' } },
      },
    ]);
    expect(() =>
      assertReleaseItems(
        [{ kind: 'software', title: 'a', dslVersionId: 'v2', ciIds: ['ci-app'] }],
        (id) => dsl[id],
        (id) => cis.has(id),
      ),
    ).toThrow(/items\.0\.dslVersionId: DS-2/);
  });
});
