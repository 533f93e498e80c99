import '../../i18n/zh.cmdb';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { Button, Card, Divider, Flex, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../common/ErrorAlert';
import { PageHeader } from '../../common/PageHeader';
import { CiFilters } from './CiFilters';
import { CiFormDrawer } from './CiFormDrawer';
import { CiTable } from './CiTable';
import { useCiPages, type CiFilter, type CiSort } from './cmdb.api';

const CI_SORTS: readonly CiSort[] = ['name', '-name', 'updatedAt', '-updatedAt'];

/** 配置项: search the CMDB, page by page with the server's keyset cursor and sort; create a CI. */
export function CiListPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const navigate = useNavigate();
  const canWrite = can('cmdb.write');
  const [filter, setFilter] = useState<CiFilter>({ status: 'active' });
  const [creating, setCreating] = useState(false);
  // The sort is the server's, and a link keeps it (?sort=-updatedAt).
  const [params, setParams] = useSearchParams();
  const asked = params.get('sort') as CiSort | null;
  const sort: CiSort = asked && CI_SORTS.includes(asked) ? asked : 'name';
  const setSort = (next: CiSort) =>
    setParams((p) => {
      if (next === 'name') p.delete('sort');
      else p.set('sort', next);
      return p;
    });
  const cis = useCiPages(filter, sort);
  const rows = cis.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <>
      <PageHeader
        title={t('cmdb.cisTitle')}
        subtitle={t('cmdb.cisSubtitle')}
        extra={
          canWrite ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating(true)}
              data-testid="ci-create"
            >
              {t('cmdb.create')}
            </Button>
          ) : (
            <Tag>{t('cmdb.readOnly')}</Tag>
          )
        }
      />
      <Card style={{ marginBottom: 16 }}>
        <CiFilters onChange={setFilter} />
      </Card>
      <Card>
        <ErrorAlert error={cis.error} style={{ marginBottom: 16 }} />
        <CiTable
          cis={rows}
          loading={cis.isFetching && !cis.isFetchingNextPage}
          sort={sort}
          onSort={setSort}
        />
        {rows.length > 0 && (
          <>
            <Divider style={{ margin: '16px 0' }} />
            <Flex justify="center" align="center" gap={16}>
              <Typography.Text type="secondary">{t('common.shown', { count: rows.length })}</Typography.Text>
              {cis.hasNextPage ? (
                <Button
                  onClick={() => void cis.fetchNextPage()}
                  loading={cis.isFetchingNextPage}
                  data-testid="ci-load-more"
                >
                  {t('common.loadMore')}
                </Button>
              ) : (
                <Typography.Text type="secondary">{t('common.noMore')}</Typography.Text>
              )}
            </Flex>
          </>
        )}
      </Card>
      {creating && (
        <CiFormDrawer
          onClose={() => setCreating(false)}
          onSaved={(ci) => void navigate(`/cmdb/cis/${ci.id}`)}
        />
      )}
    </>
  );
}
