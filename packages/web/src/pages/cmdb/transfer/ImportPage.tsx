import '../../../i18n/zh.cmdb';
import { useRef, useState } from 'react';
import { Link } from 'react-router';
import {
  Button,
  Card,
  Col,
  Descriptions,
  Flex,
  Progress,
  Row,
  Select,
  Space,
  Typography,
  Upload,
} from 'antd';
import {
  CheckOutlined,
  DownloadOutlined,
  FileExcelOutlined,
  InboxOutlined,
  ReloadOutlined,
} from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TransferProgress } from '../../../api/client';
import type { ImportReport } from '../../../api/types';
import { useAuth } from '../../../auth/AuthContext';
import { ErrorAlert } from '../../../common/ErrorAlert';
import { PageHeader } from '../../../common/PageHeader';
import { cmdbExportUrl, cmdbQueryKey, importCmdb, importFormatOf, type ImportFormat } from '../cmdb.api';
import { ImportReportView } from './ImportReportView';
import { useFeedback } from '../../../common/feedback';

type Phase = 'idle' | 'checking' | 'checked' | 'applying' | 'applied';
type CsvKind = 'auto' | 'cis' | 'relations';

const formatBytes = (n: number) =>
  n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1048576).toFixed(1)} MB`;

/**
 * 导入导出 (CM-5): a file is always checked first (dry run); the report names every problem by
 * sheet, row and column; only a clean file can be imported, and then it is imported as one.
 */
export function ImportPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = useFeedback();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<ImportFormat>('xlsx');
  const [kind, setKind] = useState<CsvKind>('auto');
  const [phase, setPhase] = useState<Phase>('idle');
  const [progress, setProgress] = useState<TransferProgress | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const abort = useRef<AbortController | null>(null);

  const run = async (chosen: File, fileFormat: ImportFormat, csvKind: CsvKind, dryRun: boolean) => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setFailure(null);
    setProgress({ loaded: 0, total: chosen.size });
    setPhase(dryRun ? 'checking' : 'applying');
    try {
      const result = await importCmdb(chosen, {
        format: fileFormat,
        dryRun,
        kind: fileFormat === 'csv' && csvKind !== 'auto' ? csvKind : undefined,
        onProgress: setProgress,
        signal: controller.signal,
      });
      setReport(result);
      if (result.applied) {
        setPhase('applied');
        void queryClient.invalidateQueries({ queryKey: cmdbQueryKey });
        void message.success(
          t('importPage.appliedToast', { create: result.summary.create, update: result.summary.update }),
        );
      } else setPhase('checked');
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') return;
      setFailure(error);
      setPhase(report ? 'checked' : 'idle');
    } finally {
      setProgress(null);
    }
  };

  const choose = (chosen: File) => {
    const fileFormat = importFormatOf(chosen.name);
    if (!fileFormat) {
      void message.error(t('importPage.wrongType'));
      return;
    }
    setFile(chosen);
    setFormat(fileFormat);
    setReport(null);
    void run(chosen, fileFormat, kind, true);
  };

  const busy = phase === 'checking' || phase === 'applying';
  const percent = progress?.total ? Math.min(100, Math.round((progress.loaded / progress.total) * 100)) : 0;
  const canApply = phase === 'checked' && report?.dryRun === true && report.ok && file !== null;

  return (
    <>
      <PageHeader title={t('importPage.title')} subtitle={t('importPage.subtitle')} />
      <Row gutter={16}>
        <Col xs={24} xl={16}>
          {can('cmdb.write') && (
            <Card title={t('importPage.importTitle')} style={{ marginBottom: 16 }}>
              <Upload.Dragger
                accept=".xlsx,.csv"
                multiple={false}
                showUploadList={false}
                disabled={busy}
                beforeUpload={(chosen) => {
                  choose(chosen);
                  return Upload.LIST_IGNORE;
                }}
                data-testid="import-upload"
              >
                <p className="ant-upload-drag-icon">
                  <InboxOutlined />
                </p>
                <p className="ant-upload-text">{t('importPage.drop')}</p>
                <p className="ant-upload-hint">{t('importPage.dropHint')}</p>
              </Upload.Dragger>

              {file && (
                <Flex justify="space-between" align="center" wrap gap={12} style={{ marginTop: 16 }}>
                  <Space>
                    <FileExcelOutlined style={{ color: '#389e0d', fontSize: 18 }} />
                    <Typography.Text strong data-testid="import-file-name">
                      {file.name}
                    </Typography.Text>
                    <Typography.Text type="secondary">{formatBytes(file.size)}</Typography.Text>
                  </Space>
                  <Space wrap>
                    {format === 'csv' && (
                      <Select<CsvKind>
                        value={kind}
                        disabled={busy}
                        onChange={(next) => {
                          setKind(next);
                          setReport(null);
                          void run(file, format, next, true);
                        }}
                        style={{ width: 180 }}
                        aria-label={t('importPage.csvKind')}
                        options={[
                          { value: 'auto', label: t('importPage.kindAuto') },
                          { value: 'cis', label: t('importPage.kindCis') },
                          { value: 'relations', label: t('importPage.kindRelations') },
                        ]}
                      />
                    )}
                    <Button
                      icon={<ReloadOutlined />}
                      disabled={busy}
                      onClick={() => {
                        setReport(null);
                        void run(file, format, kind, true);
                      }}
                    >
                      {t('importPage.recheck')}
                    </Button>
                    <Button
                      type="primary"
                      icon={<CheckOutlined />}
                      disabled={!canApply}
                      loading={phase === 'applying'}
                      onClick={() => void run(file, format, kind, false)}
                      data-testid="import-apply"
                    >
                      {t('importPage.apply')}
                    </Button>
                  </Space>
                </Flex>
              )}

              {busy && (
                <div style={{ marginTop: 16 }} data-testid="import-progress">
                  <Typography.Text type="secondary">
                    {progress && percent < 100
                      ? t('importPage.uploading', {
                          loaded: formatBytes(progress.loaded),
                          total: formatBytes(progress.total ?? 0),
                        })
                      : t(phase === 'checking' ? 'importPage.checking' : 'importPage.applying')}
                  </Typography.Text>
                  <Progress percent={percent < 100 ? percent : 100} status="active" />
                </div>
              )}
              <ErrorAlert error={failure} style={{ marginTop: 16 }} />
              {report && !busy && (
                <div style={{ marginTop: 16 }}>
                  <ImportReportView report={report} />
                  {phase === 'applied' && (
                    <Link to="/cmdb">
                      <Button type="primary" style={{ marginTop: 8 }}>
                        {t('importPage.toList')}
                      </Button>
                    </Link>
                  )}
                </div>
              )}
            </Card>
          )}
          <Card title={t('importPage.exportTitle')} style={{ marginBottom: 16 }}>
            <Typography.Paragraph type="secondary">{t('importPage.exportHelp')}</Typography.Paragraph>
            <Space wrap>
              <Button
                type="primary"
                icon={<DownloadOutlined />}
                href={cmdbExportUrl('xlsx')}
                download
                data-testid="export-xlsx"
              >
                {t('importPage.exportXlsx')}
              </Button>
              <Button
                icon={<DownloadOutlined />}
                href={cmdbExportUrl('csv', 'cis')}
                download
                data-testid="export-csv-cis"
              >
                {t('importPage.exportCsvCis')}
              </Button>
              <Button
                icon={<DownloadOutlined />}
                href={cmdbExportUrl('csv', 'relations')}
                download
                data-testid="export-csv-relations"
              >
                {t('importPage.exportCsvRelations')}
              </Button>
            </Space>
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card title={t('importPage.formatTitle')}>
            <Descriptions
              size="small"
              column={1}
              items={[
                { key: 'cis', label: t('importPage.formatCis'), children: t('importPage.formatCisColumns') },
                {
                  key: 'relations',
                  label: t('importPage.formatRelations'),
                  children: t('importPage.formatRelationsColumns'),
                },
                {
                  key: 'values',
                  label: t('importPage.formatValues'),
                  children: t('importPage.formatValuesText'),
                },
                {
                  key: 'rules',
                  label: t('importPage.formatRules'),
                  children: t('importPage.formatRulesText'),
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}
