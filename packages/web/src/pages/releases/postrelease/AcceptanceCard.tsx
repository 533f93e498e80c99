import { useState } from 'react';
import { Button, Card, Descriptions, Divider, Flex, Form, Input, Radio, Tag, Typography } from 'antd';
import { CheckCircleFilled, CloseCircleFilled, EditOutlined, SignatureOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../../auth/AuthContext';
import { ErrorAlert } from '../../../common/ErrorAlert';
import { formatDateTime } from '../../../common/format';
import { useReleaseActions } from '../releaseActions';
import { useSubmit } from '../execution/useSubmit';
import { signAcceptance, USER_ACCEPTANCE, type PostReleaseView, type Verification } from './postrelease.api';
import { textLimit } from '../../../common/textLimit';
import { useFormGuard } from '../../../common/useUnsavedChangesGuard';
import { useFeedback } from '../../../common/feedback';

/**
 * PO-1 用户验收: the formal sign-off by a named business representative — who, which department,
 * when, accepted or not — and the sign-off form, shown only to whom the server allows it.
 */
export function AcceptanceCard({ releaseId, view }: { releaseId: string; view: PostReleaseView }) {
  const { t } = useTranslation();
  const { availability } = useReleaseActions();
  const [resign, setResign] = useState(false);
  const signed = view.verifications.items.find((i) => i.key === USER_ACCEPTANCE)?.latest ?? null;
  const maySign = availability('sign_acceptance').allowed;
  const a = 'postrelease.acceptance';

  return (
    <Card size="small" title={t(`${a}.title`)} style={{ height: '100%' }} data-testid="acceptance-card">
      <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
        {t(`${a}.help`)}
      </Typography.Paragraph>
      {signed ? (
        <Signature signed={signed} />
      ) : (
        <Flex vertical align="center" gap={4} style={{ padding: '12px 0' }} data-testid="acceptance-unsigned">
          <SignatureOutlined style={{ fontSize: 28, color: '#bfbfbf' }} />
          <Typography.Text strong>{t(`${a}.notSigned`)}</Typography.Text>
          <Typography.Text type="secondary">{t(`${a}.whoSigns`)}</Typography.Text>
        </Flex>
      )}
      {maySign &&
        (signed && !resign ? (
          <Button icon={<EditOutlined />} onClick={() => setResign(true)} data-testid="acceptance-resign">
            {t(`${a}.signAgain`)}
          </Button>
        ) : (
          <>
            <Divider style={{ margin: '12px 0' }} />
            <SignForm releaseId={releaseId} onDone={() => setResign(false)} />
          </>
        ))}
    </Card>
  );
}

function Signature({ signed }: { signed: Verification }) {
  const { t } = useTranslation();
  const a = 'postrelease.acceptance';
  const accepted = signed.result === 'passed';
  return (
    <div data-testid="acceptance-signed">
      <Tag
        color={accepted ? 'success' : 'error'}
        icon={accepted ? <CheckCircleFilled /> : <CloseCircleFilled />}
        style={{ fontSize: 14, padding: '2px 10px', marginBottom: 12 }}
        data-testid="acceptance-decision"
      >
        {t(accepted ? `${a}.accepted` : `${a}.rejected`)}
      </Tag>
      <Descriptions
        size="small"
        column={1}
        styles={{ label: { whiteSpace: 'nowrap' } }}
        items={[
          { key: 'by', label: t(`${a}.signedBy`), children: signed.actorName },
          { key: 'department', label: t(`${a}.department`), children: signed.department ?? '—' },
          { key: 'at', label: t(`${a}.signedAt`), children: formatDateTime(signed.at) },
          {
            key: 'comment',
            label: t(`${a}.comment`),
            children: signed.note ? (
              <Typography.Text style={{ whiteSpace: 'pre-wrap' }}>{signed.note}</Typography.Text>
            ) : (
              '—'
            ),
          },
        ]}
      />
    </div>
  );
}

interface SignFormValues {
  accepted: boolean;
  department: string;
  comment?: string;
}

/** The sign-off: decision, department and comment; the server's field messages beside the fields. */
function SignForm({ releaseId, onDone }: { releaseId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const { user } = useAuth().session;
  const [form] = Form.useForm<SignFormValues>();
  const guard = useFormGuard();
  const { submit, failure, pending } = useSubmit(form);
  const a = 'postrelease.acceptance';

  const sign = (values: SignFormValues) =>
    submit(
      () =>
        signAcceptance(releaseId, {
          accepted: values.accepted,
          department: values.department ?? '',
          comment: values.comment?.trim() || null,
        }),
      () => {
        void message.success(
          t(`${a}.signed`, { decision: t(values.accepted ? `${a}.accepted` : `${a}.rejected`) }),
        );
        guard.saved();
        form.resetFields();
        onDone();
      },
    );

  return (
    <Form<SignFormValues>
      form={form}
      name="acceptance"
      layout="vertical"
      initialValues={{ accepted: true }}
      onFinish={(v) => void sign(v)}
      onValuesChange={guard.touched}
      data-testid="acceptance-form"
    >
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        {t(`${a}.formTitle`)}
      </Typography.Title>
      <ErrorAlert error={failure} style={{ marginBottom: 12 }} />
      <Form.Item name="accepted" label={t(`${a}.decision`)}>
        <Radio.Group
          optionType="button"
          buttonStyle="solid"
          options={[
            { value: true, label: t(`${a}.accepted`) },
            { value: false, label: t(`${a}.rejected`) },
          ]}
        />
      </Form.Item>
      <Form.Item name="department" label={t(`${a}.department`)}>
        <Input count={textLimit(100)} placeholder={t(`${a}.departmentPlaceholder`)} />
      </Form.Item>
      <Form.Item name="comment" label={t(`${a}.comment`)}>
        <Input.TextArea
          autoSize={{ minRows: 2, maxRows: 6 }}
          count={textLimit(4000)}
          placeholder={t(`${a}.commentPlaceholder`)}
        />
      </Form.Item>
      <Flex justify="space-between" align="center" gap={8} wrap>
        <Typography.Text type="secondary">
          {t(`${a}.signer`, { name: user.displayName || user.username })}
        </Typography.Text>
        <Button
          type="primary"
          htmlType="submit"
          icon={<SignatureOutlined />}
          loading={pending}
          data-testid="acceptance-submit"
        >
          {t(`${a}.sign`)}
        </Button>
      </Flex>
    </Form>
  );
}
