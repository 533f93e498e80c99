import { Button, Card, Descriptions, Flex, Form, Input, Radio, Tag, Typography } from 'antd';
import { AuditOutlined, CheckCircleFilled, ExclamationCircleFilled } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { ReleaseDetail } from '../../../api/types';
import { ErrorAlert } from '../../../common/ErrorAlert';
import { formatDateTime } from '../../../common/format';
import { blockerText } from '../../../common/ruleText';
import { useReleaseActions } from '../releaseActions';
import { useSubmit } from '../execution/useSubmit';
import { reviewEmergency } from '../releases.api';
import type { PostReleaseView } from './postrelease.api';
import { useFeedback } from '../../../common/feedback';

type Review = NonNullable<PostReleaseView['review']>;

/**
 * TY-4 事后评审: an emergency release is reviewed after the fact — was the emergency path
 * justified, what was found — by someone who approved none of its plans; its close waits for it.
 */
export function ReviewCard({ release, review }: { release: ReleaseDetail; review: Review | null }) {
  const { t } = useTranslation();
  const { availability } = useReleaseActions();
  const may = availability('review_emergency');
  const r = 'postrelease.review';
  const why = may.blockers.filter((b) => b.kind !== 'state');
  return (
    <Card size="small" title={t(`${r}.title`)} data-testid="review-card">
      <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
        {t(`${r}.help`)}
      </Typography.Paragraph>
      {review ? (
        <ReviewRecord review={review} />
      ) : may.allowed ? (
        <ReviewForm releaseId={release.id} />
      ) : (
        <Flex vertical align="center" gap={4} style={{ padding: '12px 0' }} data-testid="review-pending">
          <AuditOutlined style={{ fontSize: 28, color: '#bfbfbf' }} />
          <Typography.Text strong>{t(`${r}.pending`)}</Typography.Text>
          {why.map((b, i) => (
            <Typography.Text key={i} type="secondary">
              {blockerText(t, b, release.changes)}
            </Typography.Text>
          ))}
        </Flex>
      )}
    </Card>
  );
}

function ReviewRecord({ review }: { review: Review }) {
  const { t } = useTranslation();
  const r = 'postrelease.review';
  return (
    <div data-testid="review-record">
      <Tag
        color={review.justified ? 'success' : 'warning'}
        icon={review.justified ? <CheckCircleFilled /> : <ExclamationCircleFilled />}
        style={{ fontSize: 14, padding: '2px 10px', marginBottom: 12 }}
      >
        {t(review.justified ? `${r}.justified` : `${r}.notJustified`)}
      </Tag>
      <Descriptions
        size="small"
        column={1}
        styles={{ label: { whiteSpace: 'nowrap' } }}
        items={[
          { key: 'by', label: t(`${r}.reviewer`), children: review.reviewerName },
          { key: 'at', label: t(`${r}.reviewedAt`), children: formatDateTime(review.reviewedAt) },
          {
            key: 'findings',
            label: t(`${r}.findings`),
            children: <Typography.Text style={{ whiteSpace: 'pre-wrap' }}>{review.findings}</Typography.Text>,
          },
        ]}
      />
    </div>
  );
}

interface ReviewValues {
  justified: boolean;
  findings: string;
}

function ReviewForm({ releaseId }: { releaseId: string }) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const [form] = Form.useForm<ReviewValues>();
  const { submit, failure, pending } = useSubmit(form);
  const r = 'postrelease.review';
  return (
    <Form<ReviewValues>
      form={form}
      name="emergency-review"
      layout="vertical"
      initialValues={{ justified: true }}
      onFinish={(v) =>
        void submit(
          () => reviewEmergency(releaseId, { justified: v.justified, findings: v.findings ?? '' }),
          () => void message.success(t('releases.done.review_emergency')),
        )
      }
      data-testid="review-form"
    >
      <ErrorAlert error={failure} style={{ marginBottom: 12 }} />
      <Form.Item name="justified" label={t(`${r}.question`)}>
        <Radio.Group
          optionType="button"
          buttonStyle="solid"
          options={[
            { value: true, label: t(`${r}.justified`) },
            { value: false, label: t(`${r}.notJustified`) },
          ]}
        />
      </Form.Item>
      <Form.Item
        name="findings"
        label={t(`${r}.findings`)}
        rules={[{ required: true, whitespace: true, message: t(`${r}.findingsRequired`) }]}
      >
        <Input.TextArea
          autoSize={{ minRows: 3, maxRows: 8 }}
          maxLength={4000}
          showCount
          placeholder={t(`${r}.findingsPlaceholder`)}
          data-testid="review-findings"
        />
      </Form.Item>
      <Button
        type="primary"
        htmlType="submit"
        loading={pending}
        icon={<AuditOutlined />}
        data-testid="review-submit"
      >
        {t('releases.actions.review_emergency')}
      </Button>
    </Form>
  );
}
