import '../../i18n/zh.knowledge';
import { Link } from 'react-router';
import { Button, Flex, Typography } from 'antd';
import { EditOutlined, ReadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../common/ErrorAlert';
import { ArticleList } from './ArticleList';
import { useArticleSearch } from './knowledge.api';

/**
 * The knowledge-base articles linked to a release or a CI (PO-4), with the way to write a lesson
 * from the release. Shown as a tab of the release and the CI pages.
 */
export function LinkedArticles({ releaseId, ciId }: { releaseId?: string; ciId?: string }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const scope = releaseId ? 'release' : 'ci';
  const filter = releaseId ? { releaseId } : { ciId };
  const articles = useArticleSearch({ ...filter, limit: 50 }, { enabled: can('knowledge.read') });
  const all = `/knowledge?${releaseId ? `releaseId=${encodeURIComponent(releaseId)}` : `ciId=${encodeURIComponent(ciId ?? '')}`}`;
  return (
    <>
      <Flex justify="space-between" align="center" gap={12} wrap style={{ marginBottom: 4 }}>
        <Typography.Text type="secondary">{t(`knowledge.${scope}.help`)}</Typography.Text>
        <Flex gap={8}>
          <Link to={all}>
            <Button icon={<ReadOutlined />}>{t(`knowledge.${scope}.openAll`)}</Button>
          </Link>
          {releaseId && can('knowledge.write') && (
            <Link to={`/knowledge/new?releaseId=${encodeURIComponent(releaseId)}`}>
              <Button type="primary" icon={<EditOutlined />} data-testid="kb-add-lesson">
                {t('knowledge.release.add')}
              </Button>
            </Link>
          )}
        </Flex>
      </Flex>
      <ErrorAlert error={articles.error} style={{ margin: '12px 0' }} />
      <ArticleList
        hits={articles.data?.items ?? []}
        loading={articles.isFetching}
        showState={can('knowledge.write')}
        empty={t(`knowledge.${scope}.empty`)}
      />
    </>
  );
}
