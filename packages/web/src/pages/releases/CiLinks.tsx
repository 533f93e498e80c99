import { Link } from 'react-router';
import { Flex, Tag, Typography } from 'antd';
import { FireFilled } from '@ant-design/icons';
import { useQueries } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { CiDetail } from '../../api/types';
import { ciQueryKey, getCi } from '../cmdb/cmdb.api';

/** The CIs behind a list of ids (each read once and cached with the CMDB's own keys). */
export function useCiLookup(ids: readonly string[]): { byId: Map<string, CiDetail>; loading: boolean } {
  const unique = [...new Set(ids)];
  return useQueries({
    queries: unique.map((id) => ({ queryKey: ciQueryKey(id), queryFn: () => getCi(id), staleTime: 60_000 })),
    combine: (results) => ({
      byId: new Map(results.flatMap((r) => (r.data ? [[r.data.id, r.data] as const] : []))),
      loading: results.some((r) => r.isPending),
    }),
  });
}

/** CI names as links to the CMDB, core CIs marked; ids shown while loading or when unknown. */
export function CiLinks({ ids, testId }: { ids: readonly string[]; testId?: string }) {
  const { t } = useTranslation();
  const { byId } = useCiLookup(ids);
  if (ids.length === 0) return <Typography.Text type="secondary">{t('common.none')}</Typography.Text>;
  return (
    <Flex gap={4} wrap data-testid={testId}>
      {ids.map((id) => {
        const ci = byId.get(id);
        return (
          <Tag
            key={id}
            color={ci?.critical ? 'error' : undefined}
            icon={ci?.critical ? <FireFilled /> : undefined}
            style={{ marginInlineEnd: 0 }}
          >
            <Link to={`/cmdb/cis/${id}`}>{ci ? ci.name : id.slice(0, 8)}</Link>
          </Tag>
        );
      })}
    </Flex>
  );
}
