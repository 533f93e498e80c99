import '../../i18n/zh.dsl';
import { useState } from 'react';
import { Alert, Button, Form, Modal, Upload } from 'antd';
import type { UploadFile } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TransferProgress } from '../../api/client';
import type { DslVersion } from '../../api/types';
import { ErrorAlert } from '../../common/ErrorAlert';
import { dslQueryKey, uploadContent } from './dsl.api';
import { UploadProgress } from './UploadProgress';
import { useFeedback } from '../../common/feedback';

/** Upload (or replace, before approval) a version's file; the server hashes it as it streams. */
export function UploadContentModal({ version, onClose }: { version: DslVersion; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ file?: UploadFile[] }>();
  const [failure, setFailure] = useState<unknown>(null);
  const [progress, setProgress] = useState<TransferProgress | null>(null);

  const submit = async ({ file }: { file?: UploadFile[] }) => {
    const chosen = file?.[0]?.originFileObj;
    if (!chosen) return;
    setFailure(null);
    setProgress({ loaded: 0, total: chosen.size });
    try {
      const saved = await uploadContent(version.id, chosen, setProgress);
      void queryClient.invalidateQueries({ queryKey: dslQueryKey });
      void message.success(t('dsl.uploaded', { name: saved.name, version: saved.version }));
      onClose();
    } catch (error) {
      setFailure(error);
    } finally {
      setProgress(null);
    }
  };

  return (
    <Modal
      open
      title={t('dsl.uploadTitle', { name: version.name, version: version.version })}
      okText={t('dsl.upload')}
      cancelText={t('common.cancel')}
      confirmLoading={progress !== null}
      onOk={() => form.submit()}
      onCancel={onClose}
      mask={{ closable: false }}
      data-testid="upload-content-modal"
    >
      {version.digest && (
        <Alert type="info" showIcon title={t('dsl.replaceWarning')} style={{ marginBottom: 16 }} />
      )}
      <ErrorAlert error={failure} style={{ marginBottom: 16 }} />
      <Form
        form={form}
        name="dslContent"
        layout="vertical"
        onFinish={(v) => void submit(v)}
        disabled={progress !== null}
      >
        <Form.Item
          name="file"
          label={t('dsl.file')}
          valuePropName="fileList"
          getValueFromEvent={(e: { fileList: UploadFile[] }) => e.fileList.slice(-1)}
          rules={[{ required: true, message: t('dsl.fileRequired') }]}
          extra={t('dsl.fileHelp')}
        >
          <Upload beforeUpload={() => false} maxCount={1}>
            <Button icon={<UploadOutlined />}>{t('dsl.chooseFile')}</Button>
          </Upload>
        </Form.Item>
      </Form>
      {progress && <UploadProgress progress={progress} />}
    </Modal>
  );
}
