import { Form, Input, Select } from 'antd';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { ReleaseDetail } from '../../../api/types';
import { BeijingDatePicker } from '../../../common/beijingPickers';
import { formatDateTime, fromPickerTime } from '../../../common/format';
import { textLimit } from '../../../common/textLimit';
import { useFormGuard } from '../../../common/useUnsavedChangesGuard';
import { TRIGGER_KINDS, raiseTrigger, type TriggerInput } from './execution.api';
import { triggerKindText } from './executionText';
import { FormModal } from './FormModal';
import { useSubmit } from './useSubmit';
import { useFeedback } from '../../../common/feedback';

interface RaiseValues {
  kind: TriggerInput['kind'];
  summary: string;
  evidence?: string;
  discoveredAt?: Dayjs | null;
}

/** RB-1: raise a rollback trigger (fetched when the dialog is first opened, issue #18). */
export function RaiseTriggerModal({ release, onClose }: { release: ReleaseDetail; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const [form] = Form.useForm<RaiseValues>();
  const guard = useFormGuard();
  const { submit, failure, pending } = useSubmit(form);

  const raise = (v: RaiseValues) =>
    submit(
      () =>
        raiseTrigger(release.id, {
          kind: v.kind,
          summary: v.summary?.trim() ?? '',
          evidence: v.evidence?.trim() || null,
          discoveredAt: v.discoveredAt ? fromPickerTime(v.discoveredAt) : null,
        }),
      (trigger) => {
        void message.warning(t('execution.rollback.raised', { due: formatDateTime(trigger.decisionDueAt) }));
        guard.saved();
        onClose();
      },
    );

  return (
    <FormModal
      title={t('execution.rollback.raiseTitle')}
      okText={t('execution.rollback.raise')}
      danger
      pending={pending}
      failure={failure}
      onOk={() => form.submit()}
      onClose={onClose}
      testId="trigger-modal"
    >
      <Form<RaiseValues>
        form={form}
        name="trigger"
        layout="vertical"
        initialValues={{ kind: 'function_unusable' }}
        onFinish={(v) => void raise(v)}
        onValuesChange={guard.touched}
      >
        <Form.Item name="kind" label={t('execution.rollback.kind')}>
          <Select
            options={TRIGGER_KINDS.map((k) => ({ value: k, label: triggerKindText(t, k) }))}
            data-testid="trigger-kind"
          />
        </Form.Item>
        <Form.Item name="summary" label={t('execution.rollback.summary')}>
          <Input count={textLimit(1000)} placeholder={t('execution.rollback.summaryPlaceholder')} />
        </Form.Item>
        <Form.Item name="evidence" label={t('execution.rollback.evidence')}>
          <Input.TextArea
            autoSize={{ minRows: 3, maxRows: 8 }}
            count={textLimit(8000)}
            placeholder={t('execution.rollback.evidencePlaceholder')}
          />
        </Form.Item>
        <Form.Item
          name="discoveredAt"
          label={t('execution.rollback.discoveredAt')}
          extra={t('execution.rollback.discoveredHelp')}
          style={{ marginBottom: 0 }}
        >
          <BeijingDatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
