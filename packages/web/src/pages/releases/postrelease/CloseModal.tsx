import { Alert, Form, Input, Radio, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ReleaseAction, ReleaseDetail } from '../../../api/types';
import { blockerText } from '../../../common/ruleText';
import { FormModal } from '../execution/FormModal';
import { useSubmit } from '../execution/useSubmit';
import { useReleaseActions } from '../releaseActions';
import { closeRelease, type CloseOutcome } from './postrelease.api';
import { textLimit } from '../../../common/textLimit';
import { useFormGuard } from '../../../common/useUnsavedChangesGuard';
import { useFeedback } from '../../../common/feedback';

/** The close actions of the lifecycle and the outcome each records. */
export const CLOSE_ACTIONS: readonly (readonly [ReleaseAction, CloseOutcome])[] = [
  ['close_successful', 'successful'],
  ['close_rolled_back', 'rolled_back'],
  ['close_failed', 'failed'],
];

interface CloseForm {
  outcome: CloseOutcome;
  analysis?: string;
  lessons?: string;
  /** KP-1: the release number typed again before an outcome that counts against the success rate. */
  confirmNumber?: string;
}

/** Outcomes that lower the success rate for good (KP-1): never preselected, typed to confirm. */
const UNSUCCESSFUL: readonly CloseOutcome[] = ['failed', 'rolled_back'];

/**
 * CL-1: the operations manager closes with an outcome — only those the server allows now — and
 * the analysis and lessons learned that go into 《发布变更报告》 (CL-2). KP-1: failed or rolled
 * back is chosen deliberately, with its analysis and the release number typed to confirm.
 */
export function CloseModal({ release, onClose }: { release: ReleaseDetail; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const { availability } = useReleaseActions();
  const [form] = Form.useForm<CloseForm>();
  const guard = useFormGuard();
  const { submit, failure, pending } = useSubmit(form);
  const allowed = CLOSE_ACTIONS.filter(([action]) => availability(action).allowed);
  const success = availability('close_successful');
  // Why not successful, when the release is where a successful close would be possible.
  const successBlockers =
    release.state === 'post_release' && !success.allowed
      ? success.blockers.filter((b) => b.kind === 'policy')
      : [];
  const c = 'postrelease.close';
  const outcome = Form.useWatch('outcome', form);
  const unsuccessful = outcome !== undefined && UNSUCCESSFUL.includes(outcome);

  const close = (values: CloseForm) =>
    submit(
      () =>
        closeRelease(release.id, {
          outcome: values.outcome,
          analysis: values.analysis?.trim() || null,
          lessons: values.lessons?.trim() || null,
        }),
      () => {
        void message.success(
          t(`${c}.closed`, { number: release.number, outcome: t(`${c}.outcomes.${values.outcome}`) }),
        );
        guard.saved();
        onClose();
      },
    );

  return (
    <FormModal
      title={t(`${c}.title`, { number: release.number })}
      okText={t(`${c}.close`)}
      pending={pending}
      failure={failure}
      danger={unsuccessful}
      okDisabled={allowed.length === 0}
      onOk={() => form.submit()}
      onClose={onClose}
      width={640}
      testId="close-modal"
    >
      <Alert type="warning" showIcon title={t(`${c}.warning`)} style={{ marginBottom: 16 }} />
      <Form<CloseForm>
        form={form}
        name="close"
        layout="vertical"
        // An outcome is irreversible: only a successful close is preselected, and only when the
        // server allows it; one click never records a release as failed or rolled back (KP-1).
        initialValues={{
          outcome: allowed.some(([, o]) => o === 'successful') ? 'successful' : undefined,
        }}
        onFinish={(v) => void close(v)}
        onValuesChange={guard.touched}
      >
        <Form.Item
          name="outcome"
          label={t(`${c}.outcome`)}
          rules={[{ required: true, message: t(`${c}.chooseOutcome`) }]}
          extra={
            successBlockers.length > 0 && (
              <Typography.Text type="secondary" data-testid="close-success-blocked">
                {t(`${c}.successBlocked`, {
                  blockers: successBlockers.map((b) => blockerText(t, b)).join(t('common.listSeparator')),
                })}
              </Typography.Text>
            )
          }
        >
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={allowed.map(([, outcome]) => ({ value: outcome, label: t(`${c}.outcomes.${outcome}`) }))}
          />
        </Form.Item>
        {unsuccessful && (
          <Alert
            type="error"
            showIcon
            title={t(`${c}.unsuccessfulWarning`, { outcome: t(`${c}.outcomes.${outcome}`) })}
            style={{ marginBottom: 16 }}
            data-testid="close-unsuccessful-warning"
          />
        )}
        <Form.Item
          name="analysis"
          label={t(`${c}.analysis`)}
          rules={
            unsuccessful
              ? [{ required: true, whitespace: true, message: t(`${c}.analysisRequired`) }]
              : undefined
          }
        >
          <Input.TextArea
            autoSize={{ minRows: 3, maxRows: 8 }}
            count={textLimit(20_000)}
            placeholder={t(`${c}.analysisPlaceholder`)}
          />
        </Form.Item>
        <Form.Item
          name="lessons"
          label={t(`${c}.lessons`)}
          style={unsuccessful ? undefined : { marginBottom: 0 }}
        >
          <Input.TextArea
            autoSize={{ minRows: 3, maxRows: 8 }}
            count={textLimit(20_000)}
            placeholder={t(`${c}.lessonsPlaceholder`)}
          />
        </Form.Item>
        {unsuccessful && (
          <Form.Item
            name="confirmNumber"
            label={t(`${c}.confirmNumber`, { number: release.number })}
            rules={[
              {
                validator: (_rule, value: string | undefined) =>
                  value?.trim() === release.number
                    ? Promise.resolve()
                    : Promise.reject(new Error(t(`${c}.confirmNumberMismatch`, { number: release.number }))),
              },
            ]}
            style={{ marginBottom: 0 }}
          >
            <Input className="rg-mono" autoComplete="off" placeholder={release.number} />
          </Form.Item>
        )}
      </Form>
    </FormModal>
  );
}
