import '../../i18n/zh.knowledge';
import { useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { Alert, Breadcrumb, Button, Card, Col, Flex, Form, Input, Row, Select, Tabs, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import type { ReleaseDetail } from '../../api/types';
import { DetailQuery } from '../../common/DetailQuery';
import { ErrorAlert } from '../../common/ErrorAlert';
import { FullPageSpin } from '../../common/FullPageSpin';
import { showFieldErrors } from '../../common/forms';
import { PageHeader } from '../../common/PageHeader';
import { useRelease } from '../releases/releases.api';
import {
  KNOWLEDGE_KINDS,
  articleQueryKey,
  createArticle,
  createFromRelease,
  knowledgeQueryKey,
  updateArticle,
  useArticle,
  type Article,
  type KnowledgeKind,
} from './knowledge.api';
import { CiLinkSelect, ReleaseLinkSelect } from './LinkSelect';
import { MarkdownView } from './MarkdownView';
import { textLimit } from '../../common/textLimit';
import { useFormGuard } from '../../common/useUnsavedChangesGuard';
import { useFeedback } from '../../common/feedback';

const detailText = (value: unknown) =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : '';

interface EditorValues {
  title: string;
  kind: KnowledgeKind;
  tags?: string[];
  releaseIds?: string[];
  ciIds?: string[];
  body: string;
}

/** 写知识库文章 (/knowledge/new, from a release with ?releaseId=) and 编辑 (/knowledge/:id/edit). */
export function KnowledgeEditorPage() {
  const { id } = useParams();
  const [params] = useSearchParams();
  const { t } = useTranslation();
  const releaseId = params.get('releaseId');
  const article = useArticle(id ?? '', { enabled: !!id });
  const release = useRelease(releaseId ?? '', { enabled: !id && !!releaseId });
  if (id)
    return (
      <DetailQuery
        query={article}
        notFound={{
          title: t('knowledge.article.notFound'),
          backTo: '/knowledge',
          backText: t('knowledge.article.backToList'),
        }}
      >
        {(data) => <Editor key={data.version} article={data} />}
      </DetailQuery>
    );
  if (releaseId)
    return release.isPending ? (
      <FullPageSpin />
    ) : release.error ? (
      <ErrorAlert error={release.error} />
    ) : (
      <Editor release={release.data} />
    );
  return <Editor />;
}

function Editor({ article, release }: { article?: Article; release?: ReleaseDetail }) {
  const { t, i18n } = useTranslation();
  const { message } = useFeedback();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<EditorValues>();
  const [failure, setFailure] = useState<unknown>(null);
  const body = Form.useWatch('body', form) ?? '';
  const guard = useFormGuard();

  const save = useMutation({
    mutationFn: (v: EditorValues) => {
      const common = { title: v.title, body: v.body, kind: v.kind, tags: v.tags ?? [], ciIds: v.ciIds ?? [] };
      if (article)
        return updateArticle(article.id, {
          ...common,
          releaseIds: v.releaseIds ?? [],
          version: article.version,
        });
      if (release) return createFromRelease(release.id, common);
      return createArticle({ ...common, releaseIds: v.releaseIds ?? [] });
    },
    onMutate: () => setFailure(null),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: knowledgeQueryKey });
      queryClient.setQueryData(articleQueryKey(saved.id), saved);
      void message.success(
        t(article ? 'knowledge.editor.saved' : 'knowledge.editor.created', { number: saved.number }),
      );
      guard.saved();
      void navigate(`/knowledge/${saved.id}`);
    },
    onError: (error) => {
      const rename: Record<string, string> = {};
      if (isApiError(error))
        for (const key of Object.keys(error.fields)) if (key.startsWith('tags.')) rename[key] = 'tags';
      if (!showFieldErrors(form, error, i18n.language, rename)) setFailure(error);
    },
  });

  const conflict =
    isApiError(failure) && failure.detail('ruleCode') === 'optimistic_locking' ? failure : null;
  const reload = () => void queryClient.invalidateQueries({ queryKey: articleQueryKey(article!.id) });
  const title = article
    ? t('knowledge.editor.editTitle', { number: article.number })
    : release
      ? t('knowledge.editor.fromRelease')
      : t('knowledge.editor.newTitle');
  const targetCis = new Set([
    ...(release?.targetCiIds ?? []),
    ...(release?.items ?? []).flatMap((i) => i.ciIds),
  ]);

  return (
    <>
      <Breadcrumb
        style={{ marginBottom: 12 }}
        items={[
          { title: <Link to="/knowledge">{t('nav.knowledge')}</Link> },
          ...(article ? [{ title: <Link to={`/knowledge/${article.id}`}>{article.number}</Link> }] : []),
          ...(release ? [{ title: <Link to={`/releases/${release.id}`}>{release.number}</Link> }] : []),
          { title },
        ]}
      />
      <PageHeader title={title} />
      {release && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('knowledge.editor.releaseLinked', {
            number: release.number,
            title: release.title,
            n: targetCis.size,
          })}
          data-testid="kb-release-linked"
        />
      )}
      {conflict && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('knowledge.editor.conflict', {
            by: detailText(conflict.detail('updatedBy')),
            version: detailText(conflict.detail('currentVersion')),
          })}
          action={<Button onClick={reload}>{t('knowledge.editor.reload')}</Button>}
          data-testid="kb-conflict"
        />
      )}
      {!conflict && <ErrorAlert error={failure} style={{ marginBottom: 16 }} />}
      <Form<EditorValues>
        form={form}
        layout="vertical"
        requiredMark
        initialValues={{
          title: article?.title ?? '',
          kind: article?.kind ?? (release ? 'lesson' : 'solution'),
          tags: article?.tags ?? [],
          releaseIds: article?.releases.map((r) => r.id) ?? [],
          ciIds: article?.cis.map((c) => c.id) ?? [],
          body: article?.body ?? '',
        }}
        onFinish={(v) => save.mutate(v)}
        onValuesChange={guard.touched}
        data-testid="kb-editor"
      >
        <Row gutter={16}>
          <Col xs={24} xl={16}>
            <Card style={{ marginBottom: 16 }}>
              <Form.Item
                name="title"
                label={t('knowledge.fields.title')}
                rules={[{ required: true, whitespace: true, message: t('common.required') }, { max: 200 }]}
              >
                <Input
                  size="large"
                  placeholder={t('knowledge.editor.titlePlaceholder')}
                  count={textLimit(200)}
                  showCount
                  data-testid="kb-title-input"
                />
              </Form.Item>
              <Form.Item
                name="body"
                label={t('knowledge.fields.body')}
                extra={t('knowledge.editor.bodyHelp')}
                rules={[{ required: true, whitespace: true, message: t('common.required') }]}
                style={{ marginBottom: 0 }}
              >
                <BodyEditor preview={body} />
              </Form.Item>
            </Card>
          </Col>
          <Col xs={24} xl={8}>
            <Card style={{ marginBottom: 16 }}>
              <Form.Item name="kind" label={t('knowledge.fields.kind')} rules={[{ required: true }]}>
                <Select<KnowledgeKind>
                  options={KNOWLEDGE_KINDS.map((k) => ({ value: k, label: t(`knowledge.kinds.${k}`) }))}
                  data-testid="kb-kind"
                />
              </Form.Item>
              <Form.Item name="tags" label={t('knowledge.fields.tags')}>
                <Select<string[]>
                  mode="tags"
                  tokenSeparators={[',', '，']}
                  placeholder={t('knowledge.editor.tagsPlaceholder')}
                  open={false}
                  suffixIcon={null}
                  data-testid="kb-tags"
                />
              </Form.Item>
              {!release && (
                <Form.Item name="releaseIds" label={t('knowledge.fields.releases')}>
                  <ReleaseLinkSelect
                    known={article?.releases.map((r) => ({
                      value: r.id,
                      label: `${r.number ?? ''} ${r.title ?? ''}`,
                    }))}
                    placeholder={t('knowledge.editor.releasesPlaceholder')}
                    data-testid="kb-releases"
                  />
                </Form.Item>
              )}
              <Form.Item
                name="ciIds"
                label={release ? t('knowledge.editor.moreCis') : t('knowledge.fields.cis')}
                style={{ marginBottom: 0 }}
              >
                <CiLinkSelect
                  known={article?.cis.map((c) => ({ value: c.id, label: c.name ?? c.id }))}
                  placeholder={t('knowledge.editor.cisPlaceholder')}
                  data-testid="kb-cis"
                />
              </Form.Item>
            </Card>
            <Flex gap={8} justify="flex-end">
              <Button onClick={() => void navigate(-1)}>{t('common.cancel')}</Button>
              <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="kb-save">
                {article ? t('knowledge.editor.save') : t('knowledge.editor.create')}
              </Button>
            </Flex>
          </Col>
        </Row>
      </Form>
    </>
  );
}

/** The Markdown text and its preview, side by side in tabs (the form controls `value`). */
function BodyEditor({
  value,
  onChange,
  preview,
  id,
}: {
  value?: string;
  onChange?: (value: string) => void;
  preview: string;
  id?: string;
}) {
  const { t } = useTranslation();
  return (
    <Tabs
      size="small"
      items={[
        {
          key: 'write',
          label: t('knowledge.editor.write'),
          children: (
            <Input.TextArea
              id={id}
              className="rg-kb-editor"
              value={value}
              onChange={(e) => onChange?.(e.target.value)}
              autoSize={{ minRows: 16, maxRows: 40 }}
              placeholder={t('knowledge.editor.bodyPlaceholder')}
              data-testid="kb-body-input"
            />
          ),
        },
        {
          key: 'preview',
          label: t('knowledge.editor.preview'),
          children: (
            <div className="rg-kb-preview">
              {preview.trim() ? (
                <MarkdownView source={preview} testId="kb-preview" />
              ) : (
                <Typography.Text type="secondary">{t('knowledge.editor.previewEmpty')}</Typography.Text>
              )}
            </div>
          ),
        },
      ]}
    />
  );
}
