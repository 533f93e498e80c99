import '../../i18n/zh.knowledge';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { Button, Card, Flex, Input, Pagination, Select, Tag, Typography } from 'antd';
import { ApartmentOutlined, EditOutlined, RocketOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../common/ErrorAlert';
import { PageHeader } from '../../common/PageHeader';
import { useCursorPages } from '../../common/useCursorPages';
import { ArticleList } from './ArticleList';
import { useRelease } from '../releases/releases.api';
import { useCi } from '../cmdb/cmdb.api';
import {
  KNOWLEDGE_KINDS,
  KNOWLEDGE_STATES,
  useArticleSearch,
  useTags,
  type KnowledgeKind,
  type KnowledgeState,
  type SearchQuery,
} from './knowledge.api';

const FILTERS = ['q', 'kind', 'tag', 'state', 'releaseId', 'ciId'] as const;
const SORTS = ['-updatedAt', 'updatedAt', 'title', '-title'] as const;

/**
 * 知识库: search (Chinese of any length, English, mixed; title hits first, matches marked) with
 * filters by kind, tag, state, release and CI and an order, a page at a time from the server
 * (keyset), all kept in the address so a search can be shared.
 */
export function KnowledgeSearchPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const writer = can('knowledge.write');
  const pages = useCursorPages(FILTERS, {});
  const q = pages.filter.q ?? '';
  // Relevance orders a search only: without words, the list is newest first.
  const sort = pages.sort === 'relevance' && !q ? undefined : pages.sort;
  const query: SearchQuery = { ...pages.query<SearchQuery>(), sort: sort as SearchQuery['sort'] };
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);

  const results = useArticleSearch(query);
  const tags = useTags();
  const update = pages.setFilter;

  const hits = results.data?.items ?? [];
  const total = results.data?.total ?? 0;
  // The filter's release and CI by number and name, also when no article matches yet.
  const releaseRead = useRelease(query.releaseId ?? '', {
    enabled: !!query.releaseId && can('release.read'),
  });
  const ciRead = useCi(query.ciId ?? '', { enabled: !!query.ciId && can('cmdb.read') });
  const release =
    hits.flatMap((h) => h.releases).find((r) => r.id === query.releaseId) ?? releaseRead.data ?? undefined;
  const ci = hits.flatMap((h) => h.cis).find((c) => c.id === query.ciId) ?? ciRead.data ?? undefined;

  return (
    <>
      <PageHeader
        title={t('knowledge.title')}
        subtitle={t('knowledge.subtitle')}
        extra={
          writer && (
            <Link to="/knowledge/new">
              <Button type="primary" icon={<EditOutlined />} data-testid="kb-write">
                {t('knowledge.write')}
              </Button>
            </Link>
          )
        }
      />
      <Card>
        <Input.Search
          size="large"
          allowClear
          enterButton={t('knowledge.search')}
          placeholder={t('knowledge.searchPlaceholder')}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onSearch={(value) => update({ q: value.trim() || undefined })}
          aria-label={t('knowledge.searchPlaceholder')}
          data-testid="kb-search"
          style={{ maxWidth: 720 }}
        />
        <Flex gap={12} wrap align="center" style={{ margin: '16px 0 4px' }}>
          <Select<KnowledgeKind>
            allowClear
            placeholder={t('knowledge.filters.kind')}
            value={query.kind}
            onChange={(kind) => update({ kind })}
            options={KNOWLEDGE_KINDS.map((k) => ({ value: k, label: t(`knowledge.kinds.${k}`) }))}
            style={{ width: 150 }}
            aria-label={t('knowledge.fields.kind')}
            data-testid="kb-filter-kind"
          />
          <Select<string>
            allowClear
            showSearch
            placeholder={t('knowledge.filters.tag')}
            value={query.tag}
            onChange={(tag) => update({ tag })}
            options={(tags.data ?? []).map((x) => ({ value: x.tag, label: `${x.tag} (${x.count})` }))}
            style={{ width: 180 }}
            aria-label={t('knowledge.fields.tags')}
            data-testid="kb-filter-tag"
          />
          {writer && (
            <Select<KnowledgeState>
              allowClear
              placeholder={t('knowledge.filters.state')}
              value={query.state}
              onChange={(state) => update({ state })}
              options={KNOWLEDGE_STATES.map((s) => ({ value: s, label: t(`knowledge.states.${s}`) }))}
              style={{ width: 190 }}
              aria-label={t('knowledge.fields.state')}
              data-testid="kb-filter-state"
            />
          )}
          <Select<string>
            value={sort ?? (q ? 'relevance' : '-updatedAt')}
            onChange={(next) => pages.setSort(next === (q ? 'relevance' : '-updatedAt') ? null : next)}
            options={[...(q ? ['relevance'] : []), ...SORTS].map((s) => ({
              value: s,
              label: t(`knowledge.sorts.${s}`),
            }))}
            style={{ width: 170 }}
            aria-label={t('knowledge.sorts.label')}
            data-testid="kb-sort"
          />
          {query.releaseId && (
            <Tag
              closable
              icon={<RocketOutlined />}
              color="blue"
              onClose={() => update({ releaseId: undefined })}
            >
              {t('knowledge.filters.release')}: {release?.number ?? query.releaseId.slice(0, 8)}
            </Tag>
          )}
          {query.ciId && (
            <Tag closable icon={<ApartmentOutlined />} onClose={() => update({ ciId: undefined })}>
              {t('knowledge.filters.ci')}: {ci?.name ?? query.ciId.slice(0, 8)}
            </Tag>
          )}
          <Typography.Text type="secondary" style={{ marginInlineStart: 'auto' }} data-testid="kb-count">
            {results.data &&
              (q ? t('knowledge.found', { count: total, q }) : t('knowledge.total', { count: total }))}
          </Typography.Text>
        </Flex>
        <ErrorAlert error={results.error} style={{ margin: '12px 0' }} />
        <ArticleList
          hits={hits}
          loading={results.isFetching}
          showState={writer}
          empty={t('knowledge.empty')}
          emptyHint={q || query.kind || query.tag ? t('knowledge.emptyHint') : undefined}
        />
        <Flex justify="flex-end" style={{ marginTop: 16 }}>
          <Pagination {...pages.pagination(results.data)} />
        </Flex>
      </Card>
    </>
  );
}
