import { useState } from 'react';
import { Link } from 'react-router';
import { Button, Card, Descriptions, Flex, Form, Input, Radio, Select, Table, Tag, Typography } from 'antd';
import { ArrowRightOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type {
  RelatedRelease,
  RelationshipAssessment,
  RelationshipDecision,
  ReleaseDetail,
  ReleaseState,
} from '../../../api/types';
import { ErrorAlert } from '../../../common/ErrorAlert';
import { formatMinute } from '../../../common/format';
import { showFieldErrors } from '../../../common/forms';
import { CiLinks } from '../CiLinks';
import { decideRelationships, releasesQueryKey, useRelationships } from '../releases.api';
import { ReleaseStateTag } from '../ReleaseTags';
import { latestRecord } from './assessments';
import { OrderList } from './OrderList';
import { usePeople } from '../../../common/people';
import { textLimit } from '../../../common/textLimit';
import { useFormGuard } from '../../../common/useUnsavedChangesGuard';
import { useFeedback } from '../../../common/feedback';

function Chain({ numbers }: { numbers: string[] }) {
  return (
    <Flex gap={6} align="center" wrap>
      {numbers.map((n, i) => (
        <Flex key={n} gap={6} align="center">
          {i > 0 && <ArrowRightOutlined style={{ color: '#8c8c8c' }} />}
          <span className="rg-mono">{n}</span>
        </Flex>
      ))}
    </Flex>
  );
}

/** IN-3: related open releases, the proposed merge and order, and the recorded decision. */
export function RelationshipCard({ release, editable }: { release: ReleaseDetail; editable: boolean }) {
  const { t, i18n } = useTranslation();
  const nameOf = usePeople();
  const { message } = useFeedback();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<RelationshipDecision>();
  const guard = useFormGuard();
  const [failure, setFailure] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const findings = useRelationships(release.id);
  const latest = latestRecord<RelationshipAssessment>(release, 'relationship');
  const f = findings.data;

  const submit = async (v: RelationshipDecision) => {
    setFailure(null);
    setPending(true);
    try {
      await decideRelationships(release.id, {
        decision: v.decision,
        mergeWith: v.decision === 'merge' ? (v.mergeWith ?? []) : [],
        order: v.order ?? [],
        note: v.note.trim(),
      });
      guard.saved();
      void message.success(t('assessment.recorded'));
      void queryClient.invalidateQueries({ queryKey: releasesQueryKey });
    } catch (error) {
      if (!showFieldErrors(form, error, i18n.language)) setFailure(error);
    } finally {
      setPending(false);
    }
  };

  return (
    <Card
      size="small"
      title={t('assessment.relationshipTitle')}
      style={{ marginBottom: 16 }}
      data-testid="assessment-relationship"
    >
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('assessment.relationshipHelp')}
      </Typography.Paragraph>
      <ErrorAlert error={findings.error} style={{ marginBottom: 12 }} />
      <Table<RelatedRelease>
        rowKey="releaseId"
        size="small"
        pagination={false}
        loading={findings.isFetching}
        dataSource={f?.related ?? []}
        locale={{ emptyText: t('assessment.noRelated') }}
        style={{ marginBottom: 12 }}
        columns={[
          {
            title: t('assessment.related'),
            dataIndex: 'number',
            width: 150,
            render: (n: string, r) => (
              <Link to={`/releases/${r.releaseId}`} className="rg-mono">
                {n}
              </Link>
            ),
          },
          { title: t('releases.fields.title'), dataIndex: 'title' },
          {
            title: t('releases.fields.state'),
            dataIndex: 'state',
            width: 110,
            render: (s: string) => <ReleaseStateTag state={s as ReleaseState} />,
          },
          {
            title: t('assessment.relation'),
            dataIndex: 'relation',
            width: 200,
            render: (r: RelatedRelease['relation']) => t(`assessment.relations.${r}`),
          },
          {
            title: t('assessment.sharedCis'),
            dataIndex: 'sharedCis',
            render: (ids: string[]) => (ids.length ? <CiLinks ids={ids} /> : '—'),
          },
        ]}
      />
      {f && (
        <Descriptions
          size="small"
          column={1}
          style={{ marginBottom: 12 }}
          items={[
            {
              key: 'merge',
              label: t('assessment.proposeMerge'),
              children: f.proposeMerge.length ? (
                <Flex gap={4} wrap>
                  {f.proposeMerge.map((n) => (
                    <Tag key={n} className="rg-mono">
                      {n}
                    </Tag>
                  ))}
                </Flex>
              ) : (
                t('assessment.noMerge')
              ),
            },
            {
              key: 'order',
              label: t('assessment.proposedOrder'),
              children: <Chain numbers={f.proposedOrder} />,
            },
          ]}
        />
      )}
      {latest && (
        <Card
          type="inner"
          size="small"
          style={{ marginBottom: 12 }}
          title={t('assessment.latest', { by: nameOf(latest.by), at: formatMinute(latest.at) })}
        >
          <Descriptions
            size="small"
            column={1}
            items={[
              {
                key: 'decision',
                label: t('assessment.decision'),
                children: t(`assessment.decisions.${latest.content.decision.decision}`),
              },
              ...(latest.content.decision.mergeWith.length
                ? [
                    {
                      key: 'mergeWith',
                      label: t('assessment.mergeWith'),
                      children: latest.content.decision.mergeWith.join(t('policy.listSeparator')),
                    },
                  ]
                : []),
              {
                key: 'order',
                label: t('assessment.order'),
                children: <Chain numbers={latest.content.decision.order} />,
              },
              { key: 'note', label: t('assessment.note'), children: latest.content.decision.note },
            ]}
          />
        </Card>
      )}
      {editable && f && (
        <>
          <ErrorAlert error={failure} style={{ marginBottom: 12 }} />
          <Form<RelationshipDecision>
            form={form}
            name="relationship"
            layout="vertical"
            initialValues={{
              decision: latest?.content.decision.decision ?? (f.proposeMerge.length ? 'merge' : 'separate'),
              mergeWith: latest?.content.decision.mergeWith ?? f.proposeMerge,
              order: latest?.content.decision.order ?? f.proposedOrder,
              note: latest?.content.decision.note ?? '',
            }}
            onFinish={(v) => void submit(v)}
            onValuesChange={guard.touched}
          >
            <Form.Item name="decision" label={t('assessment.decision')}>
              <Radio.Group
                optionType="button"
                options={(['separate', 'merge'] as const).map((d) => ({
                  value: d,
                  label: t(`assessment.decisions.${d}`),
                }))}
              />
            </Form.Item>
            <Form.Item noStyle dependencies={['decision']}>
              {() =>
                form.getFieldValue('decision') === 'merge' && (
                  <Form.Item name="mergeWith" label={t('assessment.mergeWith')}>
                    <Select
                      mode="multiple"
                      options={(f.related ?? []).map((r) => ({
                        value: r.number,
                        label: `${r.number} ${r.title}`,
                      }))}
                    />
                  </Form.Item>
                )
              }
            </Form.Item>
            <Form.Item name="order" label={t('assessment.order')}>
              <OrderList highlight={release.number} />
            </Form.Item>
            <Form.Item
              name="note"
              label={t('assessment.note')}
              rules={[{ required: true, whitespace: true, message: t('common.reasonRequired') }]}
            >
              <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} count={textLimit(4000)} />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={pending} data-testid="relationship-submit">
              {t('assessment.record')}
            </Button>
          </Form>
        </>
      )}
    </Card>
  );
}
