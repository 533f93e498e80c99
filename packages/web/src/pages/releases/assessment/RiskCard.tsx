import { useState } from 'react';
import { Button, Card, Form, Table, Tag } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { RISK_CATEGORIES, type PlanRisk, type ReleaseDetail, type RiskAssessment } from '../../../api/types';
import { ErrorAlert } from '../../../common/ErrorAlert';
import { FieldMessages } from '../../../common/FieldMessages';
import { formatMinute } from '../../../common/format';
import { fieldMessages, showFieldErrors } from '../../../common/forms';
import { FormListTable } from '../plan/FormListTable';
import { assessRisks, releasesQueryKey } from '../releases.api';
import { latestRecord } from './assessments';
import { useRiskColumns } from '../riskColumns';
import { usePeople } from '../../../common/people';
import { useFormGuard } from '../../../common/useUnsavedChangesGuard';
import { useFeedback } from '../../../common/feedback';

/** IN-5: technical, business and management risks, each with likelihood, impact and response. */
export function RiskCard({ release, editable }: { release: ReleaseDetail; editable: boolean }) {
  const { t, i18n } = useTranslation();
  const nameOf = usePeople();
  const { message } = useFeedback();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ risks: Partial<PlanRisk>[] }>();
  const guard = useFormGuard();
  const [failure, setFailure] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const [listError, setListError] = useState<unknown>(null);
  const latest = latestRecord<RiskAssessment>(release, 'risk');
  const riskColumns = useRiskColumns();

  const submit = async (v: { risks: Partial<PlanRisk>[] }) => {
    setFailure(null);
    setListError(null);
    setPending(true);
    try {
      await assessRisks(release.id, {
        risks: (v.risks ?? [])
          .filter((r) => r.description?.trim() || r.response?.trim())
          .map((r) => ({
            category: r.category ?? 'technical',
            description: (r.description ?? '').trim(),
            likelihood: r.likelihood ?? 'medium',
            impact: r.impact ?? 'medium',
            response: (r.response ?? '').trim(),
          })),
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
      title={t('assessment.riskTitle')}
      style={{ marginBottom: 16 }}
      data-testid="assessment-risk"
    >
      {latest && (
        <div style={{ marginBottom: 8, color: '#8c8c8c', fontSize: 12 }}>
          {t('assessment.latest', { by: nameOf(latest.by), at: formatMinute(latest.at) })}
        </div>
      )}
      {!editable &&
        (latest ? (
          <Table<PlanRisk>
            rowKey={(_, i) => String(i)}
            size="small"
            pagination={false}
            dataSource={latest.content.risks}
            columns={[
              {
                title: t('plan.riskCategory'),
                dataIndex: 'category',
                width: 100,
                render: (c: string) => <Tag>{t(`plan.riskCategories.${c}`, { defaultValue: c })}</Tag>,
              },
              { title: t('plan.riskDescription'), dataIndex: 'description' },
              {
                title: t('plan.likelihood'),
                dataIndex: 'likelihood',
                width: 80,
                render: (l: string) => t(`plan.levels.${l}`),
              },
              {
                title: t('plan.impact'),
                dataIndex: 'impact',
                width: 80,
                render: (l: string) => t(`plan.levels.${l}`),
              },
              { title: t('plan.response'), dataIndex: 'response' },
            ]}
          />
        ) : (
          t('assessment.notRecorded')
        ))}
      {editable && (
        <>
          <div style={{ marginBottom: 8, color: '#8c8c8c', fontSize: 12 }}>{t('assessment.riskHelp')}</div>
          <ErrorAlert error={failure} style={{ marginBottom: 12 }} />
          <FieldMessages error={listError} />
          <Form
            form={form}
            name="risks"
            initialValues={{
              risks:
                latest?.content.risks ??
                RISK_CATEGORIES.map((category) => ({ category, likelihood: 'medium', impact: 'medium' })),
            }}
            onFinish={(v) => void submit(v)}
            onValuesChange={guard.touched}
          >
            <FormListTable
              name="risks"
              addText={t('plan.addRisk')}
              newRow={() => ({ category: 'technical', likelihood: 'medium', impact: 'medium' })}
              testId="assessment-risks"
              columns={riskColumns}
            />
            <Button
              type="primary"
              htmlType="submit"
              loading={pending}
              style={{ marginTop: 12 }}
              data-testid="risk-submit"
            >
              {t('assessment.record')}
            </Button>
          </Form>
        </>
      )}
    </Card>
  );
}
