import { useState } from 'react';
import { Alert, Button, Modal, Space, Table, Typography, Upload } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { FieldProblem } from '@releasegate/messages';
import { ErrorAlert } from '../../common/ErrorAlert';
import { fieldProblemText } from '../../common/fieldText';
import { importContacts, type ContactImportReport } from '../account/contact.api';

type Problem = ContactImportReport['errors'][number];

/**
 * X-2: the security administrator imports users' phone numbers and chat ids from CSV or XLSX
 * (username, phone, dingtalk, wecom, feishu). The file is checked first; the report names each
 * problem by row and column; only a clean file is imported, all of it at once.
 */
export function ContactsImportModal({ onClose }: { onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const format = file?.name.toLowerCase().endsWith('.csv') ? 'csv' : 'xlsx';
  const run = useMutation({
    mutationFn: (dryRun: boolean) => importContacts(file!, format, dryRun),
  });
  const report = run.data;
  const clean = report && report.errors.length === 0;

  return (
    <Modal
      open
      width={720}
      title={t('contact.import.title')}
      onCancel={onClose}
      footer={
        <Space>
          <Button onClick={onClose}>{t('common.close')}</Button>
          <Button
            type="primary"
            disabled={!clean || !report.dryRun}
            loading={run.isPending && run.variables === false}
            onClick={() => run.mutate(false)}
            data-testid="contacts-import-apply"
          >
            {t('contact.import.apply')}
          </Button>
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t('contact.import.help')}</Typography.Paragraph>
      <Upload
        accept=".csv,.xlsx"
        maxCount={1}
        beforeUpload={(f) => {
          setFile(f);
          run.reset();
          return false;
        }}
        onRemove={() => setFile(null)}
      >
        <Button icon={<UploadOutlined />}>{t('contact.import.choose')}</Button>
      </Upload>
      <Button
        style={{ marginTop: 12 }}
        disabled={!file}
        loading={run.isPending && run.variables === true}
        onClick={() => run.mutate(true)}
        data-testid="contacts-import-check"
      >
        {t('contact.import.check')}
      </Button>
      <ErrorAlert error={run.error} style={{ marginTop: 16 }} />
      {report && (
        <div style={{ marginTop: 16 }}>
          {report.applied ? (
            <Alert type="success" showIcon title={t('contact.import.applied', { count: report.updated })} />
          ) : clean ? (
            <Alert type="info" showIcon title={t('contact.import.checked', { count: report.rows })} />
          ) : (
            <Table<Problem>
              rowKey={(p) => `${p.row}:${p.column}:${p.reason}`}
              size="small"
              pagination={{ pageSize: 20, hideOnSinglePage: true }}
              dataSource={report.errors}
              data-testid="contacts-import-problems"
              columns={[
                { title: t('contact.import.row'), dataIndex: 'row', width: 80 },
                { title: t('contact.import.column'), dataIndex: 'column', width: 120 },
                {
                  title: t('contact.import.problem'),
                  key: 'problem',
                  render: (_: unknown, p) => fieldProblemText(p.problem as FieldProblem, i18n.language),
                },
              ]}
            />
          )}
        </div>
      )}
    </Modal>
  );
}
