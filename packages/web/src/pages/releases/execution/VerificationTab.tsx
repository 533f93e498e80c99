import { useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Collapse,
  Flex,
  Form,
  Input,
  Progress,
  Radio,
  Spin,
  Table,
  Tag,
  Tooltip,
  Typography,
  Upload,
} from 'antd';
import {
  CheckCircleFilled,
  ClockCircleOutlined,
  CloseCircleFilled,
  DeleteOutlined,
  FileTextOutlined,
  LinkOutlined,
  PaperClipOutlined,
  UploadOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { ReleaseDetail } from '../../../api/types';
import { ErrorAlert } from '../../../common/ErrorAlert';
import { formatDateTime } from '../../../common/format';
import { ActionButton } from '../ActionButton';
import { ActionBlockers } from './ActionBlockers';
import {
  recordCheck,
  uploadEvidence,
  type CheckInput,
  type CheckResult,
  type ChecklistItem,
  type Evidence,
  useChecklist,
} from './execution.api';
import { localized } from './executionText';
import { FormModal } from './FormModal';
import { useSubmit } from './useSubmit';
import { textLimit } from '../../../common/textLimit';
import { useFormGuard } from '../../../common/useUnsavedChangesGuard';
import { useFeedback } from '../../../common/feedback';

const RESULT_TAG = {
  passed: { color: 'success', icon: <CheckCircleFilled /> },
  failed: { color: 'error', icon: <CloseCircleFilled /> },
  pending: { color: 'default', icon: <ClockCircleOutlined /> },
} as const;

export function CheckResultTag({ result }: { result: 'passed' | 'failed' | 'pending' }) {
  const { t } = useTranslation();
  return (
    <Tag color={RESULT_TAG[result].color} icon={RESULT_TAG[result].icon} style={{ marginInlineEnd: 0 }}>
      {t(`execution.checks.results.${result}`)}
    </Tag>
  );
}

/** The evidence of one result: the note, the link, the uploaded file (by name and digest, opened from the release). */
export function EvidenceCell({
  result,
  releaseId,
}: {
  result: Pick<CheckResult, 'note' | 'link' | 'evidence'>;
  releaseId?: string;
}) {
  const { t } = useTranslation();
  const none = !result.note && !result.link && !result.evidence;
  if (none) return <Typography.Text type="secondary">{t('execution.checks.noEvidence')}</Typography.Text>;
  return (
    <Flex vertical gap={2} style={{ maxWidth: 420 }}>
      {result.note && (
        <Typography.Paragraph
          style={{ margin: 0, whiteSpace: 'pre-wrap' }}
          ellipsis={{ rows: 3, expandable: true }}
        >
          <FileTextOutlined style={{ color: '#8c8c8c', marginInlineEnd: 4 }} />
          {result.note}
        </Typography.Paragraph>
      )}
      {result.link && (
        <Typography.Link href={result.link} target="_blank" rel="noopener noreferrer" ellipsis>
          <LinkOutlined style={{ marginInlineEnd: 4 }} />
          {result.link}
        </Typography.Link>
      )}
      {result.evidence && (
        <Tooltip title={t('execution.checks.fileDigest', { digest: result.evidence.digest })}>
          <Typography.Text data-testid="check-evidence-file">
            <PaperClipOutlined style={{ color: '#8c8c8c', marginInlineEnd: 4 }} />
            {releaseId ? (
              <Typography.Link
                href={`/api/releases/${releaseId}/evidence/${result.evidence.digest}`}
                download
              >
                {result.evidence.filename ?? result.evidence.digest.slice(0, 12)}
              </Typography.Link>
            ) : (
              (result.evidence.filename ?? result.evidence.digest.slice(0, 12))
            )}{' '}
            <Typography.Text type="secondary" className="rg-mono" style={{ fontSize: 12 }}>
              {result.evidence.digest.slice(0, 12)}
            </Typography.Text>
          </Typography.Text>
        </Tooltip>
      )}
    </Flex>
  );
}

/**
 * 发布前验证 (IM-1): the policy's checklist for the approved plan version, each item with its
 * latest result, evidence, actor and time; every result recorded is kept.
 */
export function VerificationTab({ release }: { release: ReleaseDetail }) {
  const { t, i18n } = useTranslation();
  const checks = useChecklist(release.id);
  const [recording, setRecording] = useState<ChecklistItem | null>(null);
  if (checks.isPending) return <Spin />;
  if (checks.error) return <ErrorAlert error={checks.error} />;
  const list = checks.data;
  const label = (key: string) => {
    const item = list.items.find((i) => i.key === key);
    return item ? localized(item.label, i18n.language) : key;
  };
  const passed = list.items.filter((i) => i.latest?.result === 'passed').length;
  const total = list.items.length;

  return (
    <div data-testid="verification-tab">
      <Card
        size="small"
        title={t('execution.checks.title')}
        extra={
          list.planVersion !== null && (
            <Typography.Text type="secondary">
              {t('execution.checks.planVersion', { version: list.planVersion })}
            </Typography.Text>
          )
        }
        style={{ marginBottom: 16 }}
      >
        <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
          {t('execution.checks.help')}
        </Typography.Paragraph>
        {list.planVersion === null ? (
          <Alert type="info" showIcon title={t('execution.checks.noPlan')} />
        ) : (
          <>
            <Flex gap={16} align="center" style={{ marginBottom: 12 }} wrap>
              <Progress
                percent={total ? Math.round((passed / total) * 100) : 0}
                steps={total}
                size={[36, 10]}
                strokeColor="#52c41a"
                format={() => t('execution.checks.passedCount', { passed, total })}
                data-testid="checks-progress"
              />
              {total > 0 && passed === total && (
                <Tag color="success" icon={<CheckCircleFilled />} data-testid="checks-all-passed">
                  {t('execution.checks.allPassed')}
                </Tag>
              )}
            </Flex>
            <ActionBlockers action="record_check" />
            <Table<ChecklistItem>
              rowKey="key"
              size="middle"
              pagination={false}
              dataSource={list.items}
              data-testid="checks-table"
              scroll={{ x: 'max-content' }}
              onRow={(item) =>
                ({ 'data-testid': `check-row-${item.key}` }) as React.HTMLAttributes<HTMLElement>
              }
              columns={[
                {
                  key: 'item',
                  title: t('execution.checks.item'),
                  width: 160,
                  render: (_, item) => (
                    <Typography.Text strong>{localized(item.label, i18n.language)}</Typography.Text>
                  ),
                },
                {
                  key: 'result',
                  title: t('execution.checks.result'),
                  width: 110,
                  render: (_, item) => <CheckResultTag result={item.latest?.result ?? 'pending'} />,
                },
                {
                  key: 'evidence',
                  title: t('execution.checks.evidence'),
                  render: (_, item) =>
                    item.latest ? <EvidenceCell result={item.latest} releaseId={release.id} /> : '—',
                },
                {
                  key: 'actor',
                  title: t('execution.checks.actor'),
                  width: 110,
                  render: (_, item) => item.latest?.actorName ?? '—',
                },
                {
                  key: 'at',
                  title: t('execution.checks.at'),
                  width: 170,
                  render: (_, item) => (item.latest ? formatDateTime(item.latest.at) : '—'),
                },
                {
                  key: 'actions',
                  title: '',
                  width: 120,
                  render: (_, item) => (
                    <ActionButton
                      action="record_check"
                      size="small"
                      type={item.latest?.result === 'passed' ? 'default' : 'primary'}
                      onRun={() => setRecording(item)}
                      data-testid={`check-record-${item.key}`}
                    >
                      {item.latest ? t('execution.checks.recordAgain') : t('execution.checks.record')}
                    </ActionButton>
                  ),
                },
              ]}
            />
          </>
        )}
      </Card>
      {list.history.length > 0 && (
        <Collapse
          size="small"
          items={[
            {
              key: 'history',
              label: t('execution.checks.history', { count: list.history.length }),
              children: (
                <Table<CheckResult>
                  rowKey="seq"
                  size="small"
                  pagination={false}
                  dataSource={[...list.history].reverse()}
                  columns={[
                    {
                      key: 'at',
                      title: t('execution.checks.at'),
                      width: 170,
                      render: (_, r) => formatDateTime(r.at),
                    },
                    {
                      key: 'item',
                      title: t('execution.checks.item'),
                      width: 140,
                      render: (_, r) => label(r.itemKey),
                    },
                    {
                      key: 'result',
                      title: t('execution.checks.result'),
                      width: 110,
                      render: (_, r) => <CheckResultTag result={r.result} />,
                    },
                    {
                      key: 'evidence',
                      title: t('execution.checks.evidence'),
                      render: (_, r) => <EvidenceCell result={r} releaseId={release.id} />,
                    },
                    { key: 'actor', title: t('execution.checks.actor'), width: 110, dataIndex: 'actorName' },
                  ]}
                />
              ),
            },
          ]}
        />
      )}
      {recording && (
        <RecordCheckModal
          releaseId={release.id}
          item={recording}
          label={localized(recording.label, i18n.language)}
          onClose={() => setRecording(null)}
        />
      )}
    </div>
  );
}

interface CheckForm {
  result: 'passed' | 'failed';
  note?: string;
  link?: string;
}

/**
 * Records one check: result, and the evidence the server asks for when it passed. `record`,
 * `texts` and `testId` let another list of results with evidence (PO-1) use the same form.
 */
export function RecordCheckModal({
  releaseId,
  item,
  label,
  onClose,
  record: send = (input) => recordCheck(releaseId, item.key, input),
  texts,
  testId = 'check',
}: {
  releaseId: string;
  item: Pick<ChecklistItem, 'key'>;
  label: string;
  onClose: () => void;
  record?: (input: CheckInput) => Promise<unknown>;
  texts?: { title: string; evidenceHelp: string; notePlaceholder: string };
  testId?: string;
}) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const [form] = Form.useForm<CheckForm>();
  const guard = useFormGuard();
  const { submit, failure, setFailure, pending } = useSubmit(form);
  const [file, setFile] = useState<Evidence | null>(null);
  const [uploading, setUploading] = useState<number | null>(null);

  const upload = async (blob: File) => {
    setFailure(null);
    setUploading(0);
    try {
      setFile(await uploadEvidence(releaseId, blob, blob.name, setUploading));
      form.setFields([{ name: 'note', errors: [] }]);
    } catch (error) {
      setFailure(error);
    } finally {
      setUploading(null);
    }
  };

  const record = (values: CheckForm) =>
    submit(
      () =>
        send({
          result: values.result,
          note: values.note?.trim() || null,
          link: values.link?.trim() || null,
          evidence: file ? { digest: file.digest, filename: file.filename } : null,
        }),
      () => {
        void message.success(
          t('execution.checks.saved', {
            item: label,
            result: t(`execution.checks.results.${values.result}`),
          }),
        );
        guard.saved();
        onClose();
      },
    );

  return (
    <FormModal
      title={texts?.title ?? t('execution.checks.recordTitle', { item: label })}
      okText={t('execution.checks.record')}
      pending={pending}
      failure={failure}
      okDisabled={uploading !== null}
      onOk={() => form.submit()}
      onClose={onClose}
      testId={`${testId}-modal`}
    >
      <Form<CheckForm>
        form={form}
        name="check"
        layout="vertical"
        initialValues={{ result: 'passed' }}
        onFinish={(v) => void record(v)}
        onValuesChange={guard.touched}
      >
        <Form.Item name="result" label={t('execution.checks.result')}>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={(['passed', 'failed'] as const).map((r) => ({
              value: r,
              label: t(`execution.checks.results.${r}`),
            }))}
          />
        </Form.Item>
        <Form.Item
          name="note"
          label={t('execution.checks.note')}
          extra={texts?.evidenceHelp ?? t('execution.checks.evidenceHelp')}
        >
          <Input.TextArea
            autoSize={{ minRows: 3, maxRows: 8 }}
            count={textLimit(4000)}
            placeholder={texts?.notePlaceholder ?? t('execution.checks.notePlaceholder')}
          />
        </Form.Item>
        <Form.Item name="link" label={t('execution.checks.link')}>
          <Input
            prefix={<LinkOutlined />}
            count={textLimit(2000)}
            placeholder={t('execution.checks.linkPlaceholder')}
          />
        </Form.Item>
        <Form.Item label={t('execution.checks.file')} style={{ marginBottom: 0 }}>
          {file ? (
            <Flex gap={8} align="center" data-testid={`${testId}-file`}>
              <PaperClipOutlined />
              <Typography.Text>{file.filename}</Typography.Text>
              <Typography.Text type="secondary" className="rg-mono" style={{ fontSize: 12 }}>
                {file.digest.slice(0, 12)}
              </Typography.Text>
              <Tag color="success">{t('execution.checks.uploaded')}</Tag>
              <Button
                type="text"
                size="small"
                danger
                icon={<DeleteOutlined />}
                aria-label={t('common.remove')}
                onClick={() => setFile(null)}
              />
            </Flex>
          ) : (
            <Upload
              showUploadList={false}
              beforeUpload={(f) => {
                void upload(f);
                return false;
              }}
            >
              <Button icon={<UploadOutlined />} loading={uploading !== null} data-testid={`${testId}-upload`}>
                {uploading !== null
                  ? t('execution.checks.uploading', { percent: uploading })
                  : t('execution.checks.upload')}
              </Button>
            </Upload>
          )}
        </Form.Item>
      </Form>
    </FormModal>
  );
}
