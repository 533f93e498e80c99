import { useState } from 'react';
import { Button, Card, Col, Descriptions, Form, Input, Row, Table } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { ReleaseDetail, ResourceAssessment } from '../../../api/types';
import { ErrorAlert } from '../../../common/ErrorAlert';
import { FieldMessages } from '../../../common/FieldMessages';
import { formatMinute } from '../../../common/format';
import { fieldMessages, numberRule, showFieldErrors } from '../../../common/forms';
import { NumberInput } from '../../../common/NumberInput';
import { NUMBER_LIMITS } from '../../../common/numbers';
import { CellItem, FormListTable } from '../plan/FormListTable';
import { assessResources, releasesQueryKey } from '../releases.api';
import { latestRecord } from './assessments';
import { usePeople } from '../../../common/people';
import { textLimit } from '../../../common/textLimit';
import { useFormGuard } from '../../../common/useUnsavedChangesGuard';
import { useFeedback } from '../../../common/feedback';

type Values = {
  technical: string;
  people: Partial<ResourceAssessment['people'][number]>[];
  time: { estimateHours?: number; note?: string };
};

/** IN-4: technical resources, named people and their availability, time. */
export function ResourceCard({ release, editable }: { release: ReleaseDetail; editable: boolean }) {
  const { t, i18n } = useTranslation();
  const nameOf = usePeople();
  const { message } = useFeedback();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<Values>();
  const guard = useFormGuard();
  const [failure, setFailure] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const [listError, setListError] = useState<unknown>(null);
  const latest = latestRecord<ResourceAssessment>(release, 'resource');

  const submit = async (v: Values) => {
    setFailure(null);
    setListError(null);
    setPending(true);
    try {
      await assessResources(release.id, {
        technical: (v.technical ?? '').trim(),
        people: (v.people ?? [])
          .filter((p) => p.name?.trim() || p.role?.trim() || p.availability?.trim())
          .map((p) => ({
            name: (p.name ?? '').trim(),
            role: (p.role ?? '').trim(),
            availability: (p.availability ?? '').trim(),
          })),
        time: { estimateHours: v.time?.estimateHours ?? 0, note: v.time?.note?.trim() || undefined },
      });
      guard.saved();
      void message.success(t('assessment.recorded'));
      void queryClient.invalidateQueries({ queryKey: releasesQueryKey });
    } catch (error) {
      showFieldErrors(form, error, i18n.language);
      if (fieldMessages(error, i18n.language).length > 0) setListError(error);
      else setFailure(error);
    } finally {
      setPending(false);
    }
  };

  return (
    <Card
      size="small"
      title={t('assessment.resourceTitle')}
      style={{ marginBottom: 16 }}
      data-testid="assessment-resource"
    >
      {latest && !editable && (
        <Descriptions
          size="small"
          column={1}
          title={t('assessment.latest', { by: nameOf(latest.by), at: formatMinute(latest.at) })}
          items={[
            { key: 'technical', label: t('assessment.technical'), children: latest.content.technical },
            {
              key: 'people',
              label: t('assessment.people'),
              children: (
                <Table
                  rowKey={(_, i) => String(i)}
                  size="small"
                  pagination={false}
                  dataSource={latest.content.people}
                  columns={[
                    { title: t('assessment.personName'), dataIndex: 'name' },
                    { title: t('assessment.personRole'), dataIndex: 'role' },
                    { title: t('assessment.availability'), dataIndex: 'availability' },
                  ]}
                />
              ),
            },
            {
              key: 'time',
              label: t('assessment.estimateHours'),
              children: `${latest.content.time.estimateHours}${latest.content.time.note ? ` · ${latest.content.time.note}` : ''}`,
            },
          ]}
        />
      )}
      {!latest && !editable && t('assessment.notRecorded')}
      {editable && (
        <>
          {latest && (
            <div style={{ marginBottom: 8, color: '#8c8c8c', fontSize: 12 }}>
              {t('assessment.latest', { by: nameOf(latest.by), at: formatMinute(latest.at) })}
            </div>
          )}
          <ErrorAlert error={failure} style={{ marginBottom: 12 }} />
          <FieldMessages error={listError} />
          <Form<Values>
            form={form}
            name="resources"
            layout="vertical"
            initialValues={{
              technical: latest?.content.technical ?? '',
              people: latest?.content.people ?? [{ name: '', role: '', availability: '' }],
              time: latest?.content.time ?? {},
            }}
            onFinish={(v) => void submit(v)}
            onValuesChange={guard.touched}
          >
            <Form.Item
              name="technical"
              label={t('assessment.technical')}
              rules={[{ required: true, whitespace: true, message: t('common.required') }]}
            >
              <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} count={textLimit(4000)} />
            </Form.Item>
            <Form.Item label={t('assessment.people')} required>
              <FormListTable
                name="people"
                addText={t('assessment.addPerson')}
                newRow={() => ({ name: '', role: '', availability: '' })}
                columns={[
                  {
                    key: 'name',
                    title: t('assessment.personName'),
                    width: 140,
                    render: (f, i) => (
                      <CellItem field={f} name="name">
                        <Input aria-label={`${t('assessment.personName')} ${i + 1}`} count={textLimit(100)} />
                      </CellItem>
                    ),
                  },
                  {
                    key: 'role',
                    title: t('assessment.personRole'),
                    width: 160,
                    render: (f, i) => (
                      <CellItem field={f} name="role">
                        <Input aria-label={`${t('assessment.personRole')} ${i + 1}`} count={textLimit(100)} />
                      </CellItem>
                    ),
                  },
                  {
                    key: 'availability',
                    title: t('assessment.availability'),
                    width: 260,
                    render: (f, i) => (
                      <CellItem field={f} name="availability">
                        <Input
                          aria-label={`${t('assessment.availability')} ${i + 1}`}
                          count={textLimit(200)}
                        />
                      </CellItem>
                    ),
                  },
                ]}
              />
            </Form.Item>
            <Row gutter={16}>
              <Col xs={24} md={8}>
                <Form.Item
                  name={['time', 'estimateHours']}
                  label={t('assessment.estimateHours')}
                  rules={[
                    { required: true, message: t('common.required') },
                    numberRule(t, NUMBER_LIMITS.estimateHours),
                  ]}
                >
                  <NumberInput step={0.5} style={{ width: '100%' }} />
                </Form.Item>
              </Col>
              <Col xs={24} md={16}>
                <Form.Item name={['time', 'note']} label={t('assessment.timeNote')}>
                  <Input count={textLimit(2000)} />
                </Form.Item>
              </Col>
            </Row>
            <Button type="primary" htmlType="submit" loading={pending} data-testid="resource-submit">
              {t('assessment.record')}
            </Button>
          </Form>
        </>
      )}
    </Card>
  );
}
