import '../../i18n/zh.dsl';
import { useState } from 'react';
import { Alert, Button, Form, Input, Modal, Radio, Upload } from 'antd';
import type { UploadFile } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TransferProgress } from '../../api/client';
import type { DslVersion } from '../../api/types';
import { ErrorAlert } from '../../common/ErrorAlert';
import { numberRule, showFieldErrors } from '../../common/forms';
import { NumberInput } from '../../common/NumberInput';
import { NUMBER_LIMITS } from '../../common/numbers';
import { dslQueryKey, registerVersion, uploadContent } from './dsl.api';
import { UploadProgress } from './UploadProgress';
import { textLimit } from '../../common/textLimit';
import { useFormGuard } from '../../common/useUnsavedChangesGuard';
import { useFeedback } from '../../common/feedback';

interface RegisterFormValues {
  name: string;
  version: string;
  description?: string;
  source?: string;
  mode: 'upload' | 'external';
  file?: UploadFile[];
  external?: { url?: string; digest?: string; size?: number | null };
}

const SHA256 = /^[0-9a-fA-F]{64}$/;

/**
 * DS-1: register a version, then upload its file (streamed, hashed by the server) or give an
 * external reference with its SHA-256. Either way it then waits for the manager's approval.
 */
export function RegisterVersionModal({
  onClose,
  onDone,
}: {
  onClose: () => void;
  onDone: (version: DslVersion) => void;
}) {
  const { t, i18n } = useTranslation();
  const { message } = useFeedback();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<RegisterFormValues>();
  const guard = useFormGuard();
  const [failure, setFailure] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const [progress, setProgress] = useState<TransferProgress | null>(null);
  const [orphan, setOrphan] = useState<DslVersion | null>(null);
  const mode = Form.useWatch('mode', form) ?? 'upload';

  const submit = async (v: RegisterFormValues) => {
    setFailure(null);
    setPending(true);
    let registered: DslVersion | null = orphan;
    try {
      if (!registered) {
        registered = await registerVersion({
          name: v.name.trim(),
          version: v.version.trim(),
          description: v.description?.trim() || null,
          source: v.source?.trim() || null,
          external:
            v.mode === 'external'
              ? {
                  url: v.external?.url?.trim() ?? '',
                  digest: (v.external?.digest ?? '').trim().toLowerCase(),
                  size: v.external?.size ?? null,
                }
              : undefined,
        });
        void queryClient.invalidateQueries({ queryKey: dslQueryKey });
      }
      if (v.mode === 'upload') {
        const file = v.file?.[0]?.originFileObj;
        if (!file) throw new Error(t('dsl.fileRequired'));
        setProgress({ loaded: 0, total: file.size });
        setOrphan(registered);
        registered = await uploadContent(registered.id, file, setProgress);
        void queryClient.invalidateQueries({ queryKey: dslQueryKey });
      }
      void message.success(t('dsl.registered', { name: registered.name, version: registered.version }));
      guard.saved();
      onDone(registered);
    } catch (error) {
      if (!showFieldErrors(form, error, i18n.language)) setFailure(error);
    } finally {
      setPending(false);
      setProgress(null);
    }
  };

  return (
    <Modal
      open
      title={t('dsl.registerTitle')}
      okText={orphan ? t('dsl.retryUpload') : t('dsl.register')}
      cancelText={t('common.cancel')}
      confirmLoading={pending}
      onOk={() => form.submit()}
      onCancel={() => (orphan ? onDone(orphan) : onClose())}
      mask={{ closable: false }}
      width={640}
      data-testid="register-version-modal"
    >
      {orphan && (
        <Alert
          type="warning"
          showIcon
          title={t('dsl.registeredNoContent', { name: orphan.name, version: orphan.version })}
          action={
            <Button size="small" onClick={() => onDone(orphan)}>
              {t('dsl.openVersion')}
            </Button>
          }
          style={{ marginBottom: 16 }}
        />
      )}
      <ErrorAlert error={failure} style={{ marginBottom: 16 }} />
      <Form<RegisterFormValues>
        form={form}
        name="dslVersion"
        layout="vertical"
        initialValues={{ mode: 'upload' }}
        onFinish={(v) => void submit(v)}
        onValuesChange={guard.touched}
        autoComplete="off"
        disabled={pending}
      >
        <Form.Item
          name="name"
          label={t('dsl.name')}
          extra={t('dsl.nameHelp')}
          rules={[
            { required: true, whitespace: true, message: t('common.required') },
            { pattern: /^[^\s/\\]+$/, message: t('dsl.noSpaces') },
          ]}
        >
          <Input count={textLimit(200)} placeholder="netbank-core" disabled={Boolean(orphan)} />
        </Form.Item>
        <Form.Item
          name="version"
          label={t('dsl.version')}
          rules={[
            { required: true, whitespace: true, message: t('common.required') },
            { pattern: /^[^\s/\\]+$/, message: t('dsl.noSpaces') },
          ]}
        >
          <Input count={textLimit(100)} placeholder="2.4.0" disabled={Boolean(orphan)} />
        </Form.Item>
        <Form.Item name="description" label={t('dsl.description')}>
          <Input.TextArea
            autoSize={{ minRows: 2, maxRows: 4 }}
            count={textLimit(4000)}
            disabled={Boolean(orphan)}
          />
        </Form.Item>
        <Form.Item name="source" label={t('dsl.source')} extra={t('dsl.sourceHelp')}>
          <Input count={textLimit(1000)} disabled={Boolean(orphan)} />
        </Form.Item>
        <Form.Item name="mode" label={t('dsl.contentMode')}>
          <Radio.Group
            disabled={Boolean(orphan)}
            options={[
              { value: 'upload', label: t('dsl.modeUpload') },
              { value: 'external', label: t('dsl.modeExternal') },
            ]}
          />
        </Form.Item>
        {mode === 'upload' ? (
          <Form.Item
            name="file"
            label={t('dsl.file')}
            valuePropName="fileList"
            getValueFromEvent={(e: { fileList: UploadFile[] }) => e.fileList.slice(-1)}
            rules={[{ required: true, message: t('dsl.fileRequired') }]}
            extra={t('dsl.fileHelp')}
          >
            <Upload beforeUpload={() => false} maxCount={1} data-testid="dsl-file">
              <Button icon={<UploadOutlined />}>{t('dsl.chooseFile')}</Button>
            </Upload>
          </Form.Item>
        ) : (
          <>
            <Form.Item
              name={['external', 'url']}
              label={t('dsl.externalUrl')}
              rules={[
                { required: true, message: t('common.required') },
                { type: 'url', message: t('dsl.badUrl') },
              ]}
            >
              <Input placeholder="https://repo.example.com/…" />
            </Form.Item>
            <Form.Item
              name={['external', 'digest']}
              label={t('dsl.digest')}
              rules={[
                { required: true, message: t('common.required') },
                { pattern: SHA256, message: t('dsl.badDigest') },
              ]}
            >
              <Input className="rg-mono" count={textLimit(64)} />
            </Form.Item>
            <Form.Item
              name={['external', 'size']}
              label={t('dsl.sizeBytes')}
              rules={[numberRule(t, NUMBER_LIMITS.dslExternalSize)]}
            >
              <NumberInput style={{ width: '100%' }} />
            </Form.Item>
          </>
        )}
      </Form>
      {progress && <UploadProgress progress={progress} />}
    </Modal>
  );
}
