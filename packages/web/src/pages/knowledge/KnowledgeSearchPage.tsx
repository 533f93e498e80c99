import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Button, Card, Flex, Input, Pagination, Select, Tag, Typography } from 'antd';
import { ApartmentOutlined, EditOutlined, RocketOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../common/ErrorAlert';
import { PageHeader } from '../../common/PageHeader';
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

const PAGE_SIZE = 10;

/**
 * 知识库: search (Chinese of any length, English, mixed; title hits first, matches marked) with
 * filters by kind, tag, state, release and CI, all kept in the address so a search can be shared.
 */
export function KnowledgeSearchPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const writer = can('knowledge.write');
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const page = Math.max(1, Number(params.get('page')) || 1);
  const query: SearchQuery = {
    q: q || undefined,
    kind: (params.get('kind') as KnowledgeKind | null) ?? undefined,
    tag: params.get('tag') ?? undefined,
    state: (params.get('state') as KnowledgeState | null) ?? undefined,
    releaseId: params.get('releaseId') ?? undefined,
    ciId: params.get('ciId') ?? undefined,
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
  };
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);

  const results = useArticleSearch(query);
  const tags = useTags();

  /** Changes some parameters and goes back to the first page. */
  const update = (changes: Record<string, string | undefined>) =>
    setParams((previous) => {
      const next = new URLSearchParams(previous);
      for (const [key, value] of Object.entries(changes)) {
        if (value) next.set(key, value);
        else next.delete(key);
      }
      if (!('page' in changes)) next.delete('page');
      return next;
    });

  const hits = results.data?.articles ?? [];
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
        {total > PAGE_SIZE && (
          <Flex justify="flex-end" style={{ marginTop: 16 }}>
            <Pagination
              current={page}
              pageSize={PAGE_SIZE}
              total={total}
              showSizeChanger={false}
              onChange={(p) => update({ page: p > 1 ? String(p) : undefined })}
            />
          </Flex>
        )}
      </Card>
    </>
  );
}
