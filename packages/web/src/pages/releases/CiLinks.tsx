import { Link } from 'react-router';
import { Flex, Tag, Typography } from 'antd';
import { FireFilled } from '@ant-design/icons';
import { useQueries } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../auth/AuthContext';
import { ciQuery } from '../cmdb/cmdb.api';
import type { CiDetail } from '../../api/types';
import { useReleaseReferences, type CiRef } from './ReleaseReferences';

/** What release pages show of a CI: the release's reference, or the CMDB's record. */
export type CiSummary = Omit<CiRef, 'typeName'> & Partial<Pick<CiRef, 'typeName'>>;
const summaryOf = (ci: CiDetail): CiSummary => ci;

/**
 * The CIs behind a list of ids: from the release's references first (readable by anyone who reads
 * the release), and from the CMDB for any other id when the user may read the CMDB.
 */
export function useCiLookup(ids: readonly string[]): { byId: Map<string, CiSummary>; loading: boolean } {
  const references = useReleaseReferences();
  const { can } = useAuth();
  const known = new Map((references?.cis ?? []).map((ci) => [ci.id, ci]));
  const missing = can('cmdb.read') ? [...new Set(ids)].filter((id) => !known.has(id)) : [];
  return useQueries({
    queries: missing.map((id) => ciQuery(id, 60_000)),
    combine: (results) => {
      const byId = new Map<string, CiSummary>(known);
      for (const r of results) if (r.data) byId.set(r.data.id, summaryOf(r.data));
      return { byId, loading: results.some((r) => r.isPending) };
    },
  });
}

/** CI names as links to the CMDB, core CIs marked; ids shown while loading or when unknown. */
export function CiLinks({ ids, testId }: { ids: readonly string[]; testId?: string }) {
  const { t } = useTranslation();
  const { byId } = useCiLookup(ids);
  const { can } = useAuth();
  if (ids.length === 0) return <Typography.Text type="secondary">{t('common.none')}</Typography.Text>;
  return (
    <Flex gap={4} wrap data-testid={testId}>
      {ids.map((id) => {
        const ci = byId.get(id);
        const label = ci ? ci.name : id.slice(0, 8);
        return (
          <Tag
            key={id}
            color={ci?.critical ? 'error' : undefined}
            icon={ci?.critical ? <FireFilled /> : undefined}
            style={{ marginInlineEnd: 0 }}
          >
            {can('cmdb.read') ? <Link to={`/cmdb/cis/${id}`}>{label}</Link> : label}
          </Tag>
        );
      })}
    </Flex>
  );
}
