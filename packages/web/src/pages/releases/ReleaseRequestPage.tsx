import '../../i18n/zh.cmdb';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import {
  Breadcrumb,
  Button,
  Card,
  Col,
  Flex,
  Form,
  Input,
  Radio,
  Row,
  Select,
  Switch,
  Typography,
} from 'antd';
import { DeleteOutlined, PlusOutlined, SendOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import {
  RELEASE_ITEM_KINDS,
  ROLLBACK_DIFFICULTIES,
  URGENCIES,
  type Change,
  type ChangeApproval,
  type ReleaseItemKind,
  type RollbackDifficulty,
  type Urgency,
} from '../../api/types';
import { ErrorAlert } from '../../common/ErrorAlert';
import { showFieldErrors } from '../../common/forms';
import { PageHeader } from '../../common/PageHeader';
import { unapprovedChangesText } from '../../common/ruleText';
import { CiSelect } from '../cmdb/CiSelect';
import { changesQueryKey, useChange, useChanges } from '../changes/changes.api';
import { useDslVersions } from '../dsl/dsl.api';
import { releasesQueryKey, requestRelease } from './releases.api';
import { textLimit } from '../../common/textLimit';
import { useUnsavedChangesGuard } from '../../common/useUnsavedChangesGuard';
import { useFeedback } from '../../common/feedback';

interface ItemValues {
  kind: ReleaseItemKind;
  title?: string;
  dslVersionId?: string;
  description?: string;
  ciIds?: string[];
}

interface RequestValues {
  title: string;
  description?: string;
  changeIds: string[];
  items?: ItemValues[];
  targetCiIds?: string[];
  urgency: Urgency;
  rollbackDifficulty: RollbackDifficulty;
  newTechnology: boolean;
}

/** 发布申请: approved changes, the items delivered and the CIs touched, and the facts for TY-1. */
export function ReleaseRequestPage() {
  const { t, i18n } = useTranslation();
  const { message } = useFeedback();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const preselected = params.get('changeId');
  const [form] = Form.useForm<RequestValues>();
  const [failure, setFailure] = useState<unknown>(null);
  const [dirty, setDirty] = useState(false);
  const leaveAfterSaving = useUnsavedChangesGuard(dirty);

  // The change picker searches the approved changes on the server (the newest 50 matching what is
  // typed); the changes picked stay offered, with their CIs, whatever is searched next.
  const [changeSearch, setChangeSearch] = useState('');
  const [picked, setPicked] = useState<Change[]>([]);
  const approved = useChanges({ state: 'approved', q: changeSearch.trim() || undefined, limit: 50 });
  const chosen = useChange(preselected ?? '', { enabled: preselected !== null });
  const dsl = useDslVersions({ state: 'approved', sort: 'name', limit: 200 });
  // A request made from a change's page starts with that change's title, to edit at will.
  useEffect(() => {
    if (chosen.data && !form.getFieldValue('title')) form.setFieldValue('title', chosen.data.title);
  }, [chosen.data, form]);

  const changes: Change[] = [
    ...new Map(
      [...picked, ...(chosen.data ? [chosen.data] : []), ...(approved.data?.items ?? [])].map((c) => [
        c.id,
        c,
      ]),
    ).values(),
  ];
  const changeLabel = (c: Change) =>
    c.state === 'approved'
      ? `${c.number} ${c.title}`
      : `${c.number} ${c.title}（${t(`changes.states.${c.state}`)}）`;

  const submit = useMutation({
    mutationFn: (v: RequestValues) =>
      requestRelease({
        title: v.title.trim(),
        description: v.description?.trim() || null,
        changeIds: v.changeIds,
        items: (v.items ?? []).map((item) => ({
          kind: item.kind,
          title: (item.title ?? '').trim(),
          dslVersionId: item.kind === 'software' ? (item.dslVersionId ?? null) : null,
          description: item.description?.trim() || null,
          ciIds: item.ciIds ?? [],
        })),
        targetCiIds: v.targetCiIds ?? [],
        urgency: v.urgency,
        rollbackDifficulty: v.rollbackDifficulty,
        newTechnology: v.newTechnology,
      }),
    onMutate: () => setFailure(null),
    onSuccess: (release) => {
      void queryClient.invalidateQueries({ queryKey: releasesQueryKey });
      void queryClient.invalidateQueries({ queryKey: changesQueryKey });
      void message.success(t('releases.new.submitted', { number: release.number }));
      leaveAfterSaving();
      void navigate(`/releases/${release.id}`);
    },
    onError: (error) => {
      const placed = showFieldErrors(form, error, i18n.language);
      // IN-1: the changes the server refused, named at the field as well as above the form.
      const refused = isApiError(error) ? error.detail('changes') : undefined;
      if (Array.isArray(refused) && refused.length > 0) {
        form.setFields([
          { name: 'changeIds', errors: [unapprovedChangesText(t, refused as ChangeApproval[])] },
        ]);
      }
      if (!placed || (isApiError(error) && error.detail('rule') !== undefined)) setFailure(error);
      window.scrollTo({ top: 0, behavior: 'smooth' });
    },
  });

  const fillFromChanges = () => {
    const ids = new Set(form.getFieldValue('changeIds') as string[] | undefined);
    const cis = changes.filter((c) => ids.has(c.id)).flatMap((c) => c.ciIds);
    const current = (form.getFieldValue('targetCiIds') as string[] | undefined) ?? [];
    form.setFieldValue('targetCiIds', [...new Set([...current, ...cis])]);
  };

  return (
    <>
      <Breadcrumb
        style={{ marginBottom: 12 }}
        items={[
          { title: <Link to="/releases">{t('nav.releases')}</Link> },
          { title: t('releases.new.title') },
        ]}
      />
      <PageHeader title={t('releases.new.title')} subtitle={t('releases.new.subtitle')} />
      <ErrorAlert error={failure} style={{ marginBottom: 16 }} />
      <Form<RequestValues>
        form={form}
        name="releaseRequest"
        layout="vertical"
        initialValues={{
          changeIds: preselected ? [preselected] : [],
          items: [],
          urgency: 'normal',
          rollbackDifficulty: 'easy',
          newTechnology: false,
        }}
        onFinish={(v) => submit.mutate(v)}
        onValuesChange={() => setDirty(true)}
        data-testid="release-request-form"
      >
        <Card title={t('releases.new.basics')} style={{ marginBottom: 16 }}>
          <Form.Item
            name="title"
            label={t('releases.fields.title')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input count={textLimit(200)} />
          </Form.Item>
          <Form.Item name="description" label={t('releases.fields.description')}>
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} count={textLimit(10_000)} />
          </Form.Item>
          <Form.Item
            name="changeIds"
            label={t('releases.new.changes')}
            extra={t('releases.new.changesHelp')}
            rules={[{ required: true, message: t('releases.new.changesPlaceholder') }]}
          >
            <Select<string[]>
              mode="multiple"
              allowClear
              loading={approved.isPending}
              placeholder={t('releases.new.changesPlaceholder')}
              notFoundContent={t('releases.new.noApprovedChanges')}
              showSearch={{ filterOption: false, onSearch: setChangeSearch }}
              onChange={(ids) => setPicked(changes.filter((c) => ids.includes(c.id)))}
              options={changes.map((c) => ({ value: c.id, label: changeLabel(c) }))}
              data-testid="release-changes"
            />
          </Form.Item>
        </Card>

        <Card
          title={t('releases.new.items')}
          style={{ marginBottom: 16 }}
          extra={<Typography.Text type="secondary">{t('releases.new.itemsHelp')}</Typography.Text>}
        >
          <Form.List name="items">
            {(fields, { add, remove }) => (
              <>
                {fields.map((field, index) => (
                  <Card
                    key={field.key}
                    type="inner"
                    size="small"
                    title={t('releases.new.itemN', { n: index + 1 })}
                    style={{ marginBottom: 12 }}
                    data-testid="release-item"
                    extra={
                      <Button
                        type="text"
                        danger
                        size="small"
                        icon={<DeleteOutlined />}
                        onClick={() => remove(field.name)}
                      >
                        {t('releases.new.removeItem')}
                      </Button>
                    }
                  >
                    <Row gutter={16}>
                      <Col xs={24} md={6}>
                        <Form.Item
                          name={[field.name, 'kind']}
                          label={t('releases.new.itemKind')}
                          rules={[{ required: true }]}
                        >
                          <Select<ReleaseItemKind>
                            options={RELEASE_ITEM_KINDS.map((k) => ({
                              value: k,
                              label: t(`releases.itemKinds.${k}`),
                            }))}
                          />
                        </Form.Item>
                      </Col>
                      <Col xs={24} md={18}>
                        <Form.Item
                          name={[field.name, 'title']}
                          label={t('releases.new.itemTitle')}
                          rules={[{ required: true, whitespace: true, message: t('common.required') }]}
                        >
                          <Input count={textLimit(200)} />
                        </Form.Item>
                      </Col>
                    </Row>
                    <Form.Item noStyle dependencies={[['items', field.name, 'kind']]}>
                      {() =>
                        form.getFieldValue(['items', field.name, 'kind']) === 'software' && (
                          <Form.Item
                            name={[field.name, 'dslVersionId']}
                            label={t('releases.new.itemDsl')}
                            rules={[{ required: true, message: t('releases.new.itemDslPlaceholder') }]}
                            // DS-2: with nothing approved yet, say where a version comes from (a
                            // new tab, so the request filled in so far stays).
                            extra={
                              dsl.isSuccess &&
                              dsl.data.items.length === 0 && (
                                <span data-testid="release-item-dsl-none">
                                  {t('releases.new.itemDslNone')}{' '}
                                  <Link to="/dsl" target="_blank">
                                    {t('releases.new.itemDslRegister')}
                                  </Link>
                                </span>
                              )
                            }
                          >
                            <Select<string>
                              showSearch={{ optionFilterProp: 'label' }}
                              loading={dsl.isPending}
                              placeholder={t('releases.new.itemDslPlaceholder')}
                              options={(dsl.data?.items ?? []).map((v) => ({
                                value: v.id,
                                label: `${v.name} ${v.version}`,
                              }))}
                            />
                          </Form.Item>
                        )
                      }
                    </Form.Item>
                    <Form.Item name={[field.name, 'description']} label={t('releases.new.itemDescription')}>
                      <Input count={textLimit(2000)} />
                    </Form.Item>
                    <Form.Item
                      name={[field.name, 'ciIds']}
                      label={t('releases.new.itemCis')}
                      rules={[{ required: true, message: t('cmdb.pickCi') }]}
                      style={{ marginBottom: 0 }}
                    >
                      <CiSelect multiple />
                    </Form.Item>
                  </Card>
                ))}
                <Button
                  type="dashed"
                  block
                  icon={<PlusOutlined />}
                  onClick={() => add({ kind: 'software', ciIds: [] })}
                  data-testid="release-add-item"
                >
                  {t('releases.new.addItem')}
                </Button>
              </>
            )}
          </Form.List>
        </Card>

        <Card
          title={t('releases.fields.targets')}
          style={{ marginBottom: 16 }}
          extra={
            <Button size="small" onClick={fillFromChanges} data-testid="release-fill-targets">
              {t('releases.new.fillFromChanges')}
            </Button>
          }
        >
          <Form.Item
            name="targetCiIds"
            label={t('releases.new.targets')}
            extra={t('releases.new.targetsHelp')}
            dependencies={['items']}
            rules={[
              // PR-6: a release says what it releases — an item, or at least the CIs it touches.
              ({ getFieldValue }) => ({
                validator: (_rule, value: string[] | undefined) =>
                  (value ?? []).length > 0 ||
                  ((getFieldValue('items') as unknown[] | undefined) ?? []).length > 0
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('releases.new.scopeRequired'))),
              }),
            ]}
            style={{ marginBottom: 0 }}
          >
            <CiSelect multiple data-testid="release-targets" />
          </Form.Item>
        </Card>

        <Card title={t('releases.new.classification')} style={{ marginBottom: 16 }}>
          <Typography.Paragraph type="secondary">{t('releases.criteria')}</Typography.Paragraph>
          <Row gutter={16}>
            <Col xs={24} lg={10}>
              <Form.Item name="urgency" label={t('releases.new.urgency')}>
                <Radio.Group
                  optionType="button"
                  options={URGENCIES.map((u) => ({ value: u, label: t(`releases.urgencies.${u}`) }))}
                />
              </Form.Item>
            </Col>
            <Col xs={24} lg={8}>
              <Form.Item name="rollbackDifficulty" label={t('releases.new.rollbackDifficulty')}>
                <Radio.Group
                  optionType="button"
                  options={ROLLBACK_DIFFICULTIES.map((d) => ({
                    value: d,
                    label: t(`releases.rollbackDifficulties.${d}`),
                  }))}
                />
              </Form.Item>
            </Col>
            <Col xs={24} lg={6}>
              <Form.Item name="newTechnology" label={t('releases.new.newTechnology')} valuePropName="checked">
                <Switch />
              </Form.Item>
            </Col>
          </Row>
        </Card>

        <Flex justify="flex-end" gap={8}>
          <Button onClick={() => void navigate('/releases')}>{t('common.cancel')}</Button>
          <Button
            type="primary"
            htmlType="submit"
            icon={<SendOutlined />}
            loading={submit.isPending}
            data-testid="release-request-submit"
          >
            {t('releases.new.submit')}
          </Button>
        </Flex>
      </Form>
    </>
  );
}
