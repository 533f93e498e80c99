import '../../i18n/zh.knowledge';
import { Link } from 'react-router';
import { Empty, Flex, Spin, Tag, Typography } from 'antd';
import { ApartmentOutlined, RocketOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { formatMinute } from '../../common/format';
import type { SearchHit } from './knowledge.api';
import { Highlighted, KindTag, KnowledgeStateTag } from './KnowledgeTags';

/** The releases and CIs an article is linked to, as links to their pages. */
export function ArticleLinks({ article }: { article: Pick<SearchHit, 'releases' | 'cis'> }) {
  if (article.releases.length === 0 && article.cis.length === 0) return null;
  return (
    <Flex gap={4} wrap>
      {article.releases.map((r) => (
        <Tag key={r.id} icon={<RocketOutlined />} color="blue" style={{ marginInlineEnd: 0 }}>
          <Link to={`/releases/${r.id}`}>
            <span className="rg-mono">{r.number ?? r.id.slice(0, 8)}</span> {r.title}
          </Link>
        </Tag>
      ))}
      {article.cis.map((c) => (
        <Tag key={c.id} icon={<ApartmentOutlined />} style={{ marginInlineEnd: 0 }}>
          <Link to={`/cmdb/cis/${c.id}`}>{c.name ?? c.id.slice(0, 8)}</Link>
        </Tag>
      ))}
    </Flex>
  );
}

/** One search result: the title with its matches marked, kind, state, snippet, links, byline. */
function ArticleResult({ hit, showState }: { hit: SearchHit; showState: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="rg-kb-result" data-testid="kb-result">
      <Flex align="center" gap={8} wrap>
        <Link to={`/knowledge/${hit.id}`} className="rg-kb-result-title" data-testid="kb-result-link">
          <Highlighted segments={hit.titleSegments} />
        </Link>
        <KindTag kind={hit.kind} />
        {showState && hit.state !== 'published' && <KnowledgeStateTag state={hit.state} />}
        {hit.titleHit && (
          <Tag bordered={false} color="gold" style={{ marginInlineEnd: 0 }}>
            {t('knowledge.titleHit')}
          </Tag>
        )}
      </Flex>
      {hit.snippet.length > 0 && (
        <div className="rg-kb-snippet" data-testid="kb-snippet">
          <Highlighted segments={hit.snippet} />
        </div>
      )}
      <Flex justify="space-between" align="center" gap={12} wrap>
        <ArticleLinks article={hit} />
        <Typography.Text type="secondary" style={{ fontSize: 12, marginInlineStart: 'auto' }}>
          <span className="rg-mono">{hit.number}</span> ·{' '}
          {t('knowledge.byline', { author: hit.authorName, time: formatMinute(hit.updatedAt) })}
          {hit.tags.length > 0 && ` · ${hit.tags.map((tag) => `#${tag}`).join(' ')}`}
        </Typography.Text>
      </Flex>
    </div>
  );
}

/** Articles as search results; the empty state says what to try next. */
export function ArticleList({
  hits,
  loading,
  showState,
  empty,
  emptyHint,
}: {
  hits: readonly SearchHit[];
  loading: boolean;
  showState: boolean;
  empty: string;
  emptyHint?: string;
}) {
  if (hits.length === 0)
    return loading ? (
      <Flex justify="center" style={{ padding: 48 }}>
        <Spin />
      </Flex>
    ) : (
      <Empty
        image={Empty.PRESENTED_IMAGE_SIMPLE}
        description={
          <>
            <div>{empty}</div>
            {emptyHint && <Typography.Text type="secondary">{emptyHint}</Typography.Text>}
          </>
        }
        data-testid="kb-empty"
      />
    );
  return (
    <Spin spinning={loading}>
      <div data-testid="kb-results">
        {hits.map((hit) => (
          <ArticleResult key={hit.id} hit={hit} showState={showState} />
        ))}
      </div>
    </Spin>
  );
}
