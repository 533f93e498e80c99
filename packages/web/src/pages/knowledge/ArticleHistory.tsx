import '../../i18n/zh.knowledge';
import { Collapse, Flex, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../common/ErrorAlert';
import { formatMinute } from '../../common/format';
import { useArticleHistory, type Article, type HistoryEntry } from './knowledge.api';
import { PersonName } from '../../common/people';

const COLORS: Record<HistoryEntry['action'], string> = {
  created: 'blue',
  edited: 'gray',
  published: 'green',
  archived: 'orange',
};

const plain = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : JSON.stringify(value);

/** A field's value before or after, as short text (ids of links shown by name when known). */
function useValueText(article: Article) {
  const { t } = useTranslation();
  const releaseName = new Map(article.releases.map((r) => [r.id, r.number ?? r.id.slice(0, 8)]));
  const ciName = new Map(article.cis.map((c) => [c.id, c.name ?? c.id.slice(0, 8)]));
  return (field: string, value: unknown): string => {
    if (value === null || value === undefined || value === '') return t('knowledge.history.empty');
    if (field === 'kind' && typeof value === 'string')
      return t(`knowledge.kinds.${value}`, { defaultValue: value });
    if (field === 'state' && typeof value === 'string')
      return t(`knowledge.states.${value}`, { defaultValue: value });
    if (Array.isArray(value)) {
      if (value.length === 0) return t('knowledge.history.empty');
      const names = field === 'releaseIds' ? releaseName : field === 'ciIds' ? ciName : null;
      return value.map((v) => (names ? (names.get(plain(v)) ?? plain(v).slice(0, 8)) : plain(v))).join('、');
    }
    return plain(value);
  };
}

const FIELD_KEYS: Record<string, string> = {
  title: 'title',
  body: 'body',
  kind: 'kind',
  tags: 'tags',
  releaseIds: 'releases',
  ciIds: 'cis',
  state: 'state',
};

function Change({ entry, article }: { entry: HistoryEntry; article: Article }) {
  const { t } = useTranslation();
  const valueText = useValueText(article);
  const fields = Object.keys(entry.after ?? {});
  const label = (f: string) => t(`knowledge.fields.${FIELD_KEYS[f] ?? f}`, { defaultValue: f });
  if (entry.action !== 'edited') return null;
  return (
    <Flex vertical gap={4} style={{ marginTop: 4 }}>
      <Typography.Text type="secondary">
        {t('knowledge.history.changed', { fields: fields.map(label).join('、') })}
      </Typography.Text>
      {fields
        .filter((f) => f !== 'body')
        .map((f) => (
          <div key={f} style={{ fontSize: 13 }}>
            <Typography.Text type="secondary">{label(f)}：</Typography.Text>
            <span className="rg-diff-before">{valueText(f, entry.before?.[f])}</span>
            {' → '}
            <span className="rg-diff-after">{valueText(f, entry.after?.[f])}</span>
          </div>
        ))}
      {fields.includes('body') && (
        <Collapse
          size="small"
          ghost
          items={[
            {
              key: 'body',
              label: t('knowledge.history.showBody'),
              children: (
                <Flex gap={12} wrap>
                  {(['before', 'after'] as const).map((side) => (
                    <div key={side} style={{ flex: '1 1 280px', minWidth: 0 }}>
                      <Typography.Text strong>{t(`knowledge.history.${side}`)}</Typography.Text>
                      <pre className="rg-json" style={{ marginTop: 4 }}>
                        {valueText('body', entry[side]?.body)}
                      </pre>
                    </div>
                  ))}
                </Flex>
              ),
            },
          ]}
        />
      )}
    </Flex>
  );
}

/** 修改历史: every write of the article, newest first — who, when, and each field before and after. */
export function ArticleHistory({ article }: { article: Article }) {
  const { t } = useTranslation();
  const history = useArticleHistory(article.id, article.version);
  return (
    <>
      <ErrorAlert error={history.error} />
      <Timeline
        style={{ marginTop: 8 }}
        data-testid="kb-history"
        items={(history.data ?? []).map((entry) => ({
          key: entry.seq,
          color: COLORS[entry.action],
          content: (
            <>
              <Flex gap={8} align="center" wrap>
                <Typography.Text strong>
                  <PersonName username={entry.actorName} />
                </Typography.Text>
                <span>{t(`knowledge.history.${entry.action}`)}</span>
                <Tag bordered={false} style={{ marginInlineEnd: 0 }}>
                  {t('knowledge.article.versionN', { version: entry.version })}
                </Tag>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {formatMinute(entry.at)}
                </Typography.Text>
              </Flex>
              <Change entry={entry} article={article} />
            </>
          ),
        }))}
      />
    </>
  );
}
