import { useState } from 'react';
import { Alert, Form, Input, Modal, Radio, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { RELEASE_TYPES, type ReleaseDetail, type ReleaseType } from '../../api/types';
import { ErrorAlert } from '../../common/ErrorAlert';
import { showFieldErrors } from '../../common/forms';
import { reasonText } from '../../common/ruleText';
import { classifyRelease } from './releases.api';
import { textLimit } from '../../common/textLimit';
import { useFeedback } from '../../common/feedback';

/** TY-1, TY-3: the type, starting from the system's proposal; another type needs a reason. */
export function ClassifyModal({
  release,
  onClose,
  onDone,
}: {
  release: ReleaseDetail;
  onClose: () => void;
  onDone: () => unknown;
}) {
  const { t, i18n } = useTranslation();
  const { message } = useFeedback();
  const [form] = Form.useForm<{ type: ReleaseType; reason?: string }>();
  const [failure, setFailure] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  // The reason's hint stands under the field until the field has a message of its own, which takes
  // its place (a missing reason's message is the hint's very words): one line, not the same twice.
  const [reasonError, setReasonError] = useState(false);
  const proposal = release.proposal;
  const type = Form.useWatch('type', form) ?? release.type ?? proposal.type;
  const overriding = type !== proposal.type;

  const submit = async (v: { type: ReleaseType; reason?: string }) => {
    setFailure(null);
    setPending(true);
    try {
      await classifyRelease(release.id, v.type, overriding ? v.reason?.trim() || null : null);
      void message.success(
        t('releases.done.classify', { number: release.number, type: t(`releases.types.${v.type}`) }),
      );
      onClose();
    } catch (error) {
      if (showFieldErrors(form, error, i18n.language))
        setReasonError(form.getFieldError('reason').length > 0);
      else setFailure(error);
    } finally {
      setPending(false);
      void onDone();
    }
  };

  return (
    <Modal
      open
      title={t('releases.classifyTitle', { number: release.number })}
      okText={t('releases.actions.classify')}
      cancelText={t('common.cancel')}
      confirmLoading={pending}
      onOk={() => form.submit()}
      onCancel={onClose}
      mask={{ closable: false }}
      width={560}
      data-testid="release-classify-modal"
    >
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title={
          <>
            {t('releases.proposalTitle')}
            {t('common.colon')}
            <Tag color="blue">{t(`releases.types.${proposal.type}`)}</Tag>
          </>
        }
        description={
          <ul style={{ margin: 0, paddingInlineStart: 18 }} data-testid="classify-proposal-reasons">
            {proposal.criteria.map((criterion) => (
              <li key={criterion.code}>{reasonText(t, criterion)}</li>
            ))}
          </ul>
        }
      />
      <ErrorAlert error={failure} style={{ marginBottom: 16 }} />
      <Form
        form={form}
        name="classify"
        layout="vertical"
        initialValues={{ type: release.type ?? proposal.type, reason: release.typeReason ?? '' }}
        onFinish={(v) => void submit(v)}
        onFieldsChange={(changed) => {
          const reason = changed.find((f) => JSON.stringify(f.name) === '["reason"]');
          if (reason) setReasonError((reason.errors ?? []).length > 0);
        }}
        onValuesChange={(changed: { type?: ReleaseType }) => {
          // The reason field comes and goes with the type; it comes back without a message.
          if (changed.type) setReasonError(false);
        }}
      >
        <Form.Item name="type" label={t('releases.classifyType')}>
          <Radio.Group>
            <Space orientation="vertical">
              {RELEASE_TYPES.map((ty) => (
                <Radio key={ty} value={ty}>
                  {t(`releases.types.${ty}`)}
                  {ty === proposal.type && (
                    <Tag color="blue" style={{ marginInlineStart: 8 }}>
                      {t('releases.overview.proposal')}
                    </Tag>
                  )}
                </Radio>
              ))}
            </Space>
          </Radio.Group>
        </Form.Item>
        {overriding && (
          <Form.Item
            name="reason"
            label={t('releases.classifyReason')}
            extra={reasonError ? undefined : t('releases.classifyReasonHelp')}
            rules={[{ required: true, whitespace: true, message: t('releases.classifyReasonHelp') }]}
          >
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} count={textLimit(2000)} />
          </Form.Item>
        )}
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: 0 }}>
          {t('releases.criteria')}
        </Typography.Paragraph>
      </Form>
    </Modal>
  );
}
