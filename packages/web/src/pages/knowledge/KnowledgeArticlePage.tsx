import '../../i18n/zh.knowledge';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import {
  Alert,
  Breadcrumb,
  Button,
  Card,
  Col,
  Descriptions,
  Flex,
  Popconfirm,
  Row,
  Tag,
  Typography,
} from 'antd';
import { CheckCircleOutlined, EditOutlined, InboxOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../auth/AuthContext';
import { DetailQuery } from '../../common/DetailQuery';
import { ErrorAlert } from '../../common/ErrorAlert';
import { formatMinute } from '../../common/format';
import { ArticleHistory } from './ArticleHistory';
import { ArticleLinks } from './ArticleList';
import {
  archiveArticle,
  articleQueryKey,
  knowledgeQueryKey,
  publishArticle,
  useArticle,
  type Article,
} from './knowledge.api';
import { KindTag, KnowledgeStateTag } from './KnowledgeTags';
import { MarkdownView } from './MarkdownView';
import { useFeedback } from '../../common/feedback';

/** 知识库文章: the body rendered from Markdown, its links, its facts and every edit. */
export function KnowledgeArticlePage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const article = useArticle(id);
  return (
    <DetailQuery
      query={article}
      notFound={{
        title: t('knowledge.article.notFound'),
        backTo: '/knowledge',
        backText: t('knowledge.article.backToList'),
      }}
    >
      {(data) => <ArticleView article={data} />}
    </DetailQuery>
  );
}

function ArticleActions({ article: a }: { article: Article }) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const queryClient = useQueryClient();
  const [failure, setFailure] = useState<unknown>(null);
  const step = useMutation({
    mutationFn: (action: 'publish' | 'archive') =>
      action === 'publish' ? publishArticle(a.id, a.version) : archiveArticle(a.id, a.version),
    onMutate: () => setFailure(null),
    onSuccess: (saved, action) => {
      queryClient.setQueryData(articleQueryKey(a.id), saved);
      void queryClient.invalidateQueries({ queryKey: knowledgeQueryKey });
      void message.success(
        t(`knowledge.article.${action === 'publish' ? 'published' : 'archived'}`, { number: a.number }),
      );
    },
    onError: setFailure,
  });
  if (a.state === 'archived') return null;
  return (
    <Flex vertical align="flex-end" gap={8}>
      <Flex gap={8} wrap>
        <Link to={`/knowledge/${a.id}/edit`}>
          <Button icon={<EditOutlined />} data-testid="kb-edit">
            {t('knowledge.article.edit')}
          </Button>
        </Link>
        {a.state === 'draft' && (
          <Popconfirm
            title={t('knowledge.article.publish')}
            description={<div style={{ maxWidth: 280 }}>{t('knowledge.article.publishConfirm')}</div>}
            onConfirm={() => step.mutate('publish')}
          >
            <Button
              type="primary"
              icon={<CheckCircleOutlined />}
              loading={step.isPending}
              data-testid="kb-publish"
            >
              {t('knowledge.article.publish')}
            </Button>
          </Popconfirm>
        )}
        <Popconfirm
          title={t('knowledge.article.archive')}
          description={<div style={{ maxWidth: 280 }}>{t('knowledge.article.archiveConfirm')}</div>}
          onConfirm={() => step.mutate('archive')}
        >
          <Button danger icon={<InboxOutlined />} data-testid="kb-archive">
            {t('knowledge.article.archive')}
          </Button>
        </Popconfirm>
      </Flex>
      <ErrorAlert error={failure} />
    </Flex>
  );
}

function ArticleView({ article: a }: { article: Article }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const none = <Typography.Text type="secondary">{t('knowledge.none')}</Typography.Text>;
  return (
    <>
      <Breadcrumb
        style={{ marginBottom: 12 }}
        items={[{ title: <Link to="/knowledge">{t('nav.knowledge')}</Link> }, { title: a.number }]}
      />
      <Flex justify="space-between" align="flex-start" gap={16} wrap style={{ marginBottom: 16 }}>
        <div style={{ minWidth: 0, flex: '1 1 420px' }}>
          <Flex align="center" gap={8} wrap>
            <Typography.Title level={3} style={{ margin: 0 }} data-testid="kb-title">
              {a.title}
            </Typography.Title>
            <KindTag kind={a.kind} />
            <KnowledgeStateTag state={a.state} testId="kb-state" />
          </Flex>
          <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0' }}>
            <span className="rg-mono">{a.number}</span> ·{' '}
            {t('knowledge.byline', { author: a.authorName, time: formatMinute(a.updatedAt) })}
          </Typography.Paragraph>
        </div>
        {can('knowledge.write') && <ArticleActions article={a} />}
      </Flex>
      {a.state === 'draft' && (
        <Alert type="info" showIcon title={t('knowledge.article.draftNotice')} style={{ marginBottom: 16 }} />
      )}
      {a.state === 'archived' && (
        <Alert
          type="warning"
          showIcon
          title={t('knowledge.article.archivedNotice')}
          style={{ marginBottom: 16 }}
        />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Card>
            <MarkdownView source={a.body} testId="kb-body" />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card title={t('knowledge.article.info')} size="small" style={{ marginBottom: 16 }}>
            <Descriptions
              size="small"
              column={1}
              styles={{ label: { width: 104, whiteSpace: 'nowrap' } }}
              items={[
                {
                  key: 'releases',
                  label: t('knowledge.fields.releases'),
                  children: a.releases.length ? (
                    <ArticleLinks article={{ releases: a.releases, cis: [] }} />
                  ) : (
                    none
                  ),
                },
                {
                  key: 'cis',
                  label: t('knowledge.fields.cis'),
                  children: a.cis.length ? <ArticleLinks article={{ releases: [], cis: a.cis }} /> : none,
                },
                {
                  key: 'tags',
                  label: t('knowledge.fields.tags'),
                  children: a.tags.length ? (
                    <Flex gap={4} wrap>
                      {a.tags.map((tag) => (
                        <Tag key={tag} style={{ marginInlineEnd: 0 }}>
                          <Link to={`/knowledge?tag=${encodeURIComponent(tag)}`}>{tag}</Link>
                        </Tag>
                      ))}
                    </Flex>
                  ) : (
                    none
                  ),
                },
                { key: 'author', label: t('knowledge.fields.author'), children: a.authorName },
                { key: 'updatedBy', label: t('knowledge.fields.updatedBy'), children: a.updatedBy },
                {
                  key: 'createdAt',
                  label: t('knowledge.fields.createdAt'),
                  children: formatMinute(a.createdAt),
                },
                {
                  key: 'updatedAt',
                  label: t('knowledge.fields.updatedAt'),
                  children: formatMinute(a.updatedAt),
                },
                ...(a.publishedAt
                  ? [
                      {
                        key: 'publishedAt',
                        label: t('knowledge.fields.publishedAt'),
                        children: formatMinute(a.publishedAt),
                      },
                    ]
                  : []),
                ...(a.archivedAt
                  ? [
                      {
                        key: 'archivedAt',
                        label: t('knowledge.fields.archivedAt'),
                        children: formatMinute(a.archivedAt),
                      },
                    ]
                  : []),
                {
                  key: 'version',
                  label: t('knowledge.fields.version'),
                  children: t('knowledge.article.versionN', { version: a.version }),
                },
              ]}
            />
          </Card>
          <Card title={t('knowledge.article.history')} size="small">
            <ArticleHistory article={a} />
          </Card>
        </Col>
      </Row>
    </>
  );
}
