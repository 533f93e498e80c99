import '../../../i18n/zh.cmdb';
import { Alert, Col, Row, Statistic, Table, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ImportProblem, ImportReport } from '../../../api/types';
import { environmentLabel } from '../CiTags';
import { useCiTypes } from '../useCiTypes';
import { importProblemText } from './importText';

/** What the import would do (or did): counts, and every problem with its sheet, row and column. */
export function ImportReportView({ report }: { report: ImportReport }) {
  const { t, i18n } = useTranslation();
  const types = useCiTypes();
  const s = report.summary;
  const helpers = { typeName: types.typeName, environmentName: (e: string) => environmentLabel(t, e) };
  const columnName = (column: string) =>
    column.startsWith('attr.') ? column : t(`importPage.columns.${column}`, { defaultValue: column });

  return (
    <div data-testid="import-report">
      {report.applied ? (
        <Alert
          type="success"
          showIcon
          title={t('importPage.applied')}
          style={{ marginBottom: 16 }}
          data-testid="import-applied"
        />
      ) : report.ok ? (
        <Alert
          type="success"
          showIcon
          title={t('importPage.dryRunClean')}
          description={t('importPage.dryRunCleanHelp')}
          style={{ marginBottom: 16 }}
          data-testid="import-clean"
        />
      ) : (
        <Alert
          type="error"
          showIcon
          title={t('importPage.problemsTitle', { count: report.errorCount })}
          description={t('importPage.problemsHelp')}
          style={{ marginBottom: 16 }}
          data-testid="import-problems-alert"
        />
      )}
      {report.ok && (
        <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
          <Col xs={12} md={8} xl={4}>
            <Statistic title={t('importPage.summary.ciRows')} value={s.ciRows} />
          </Col>
          <Col xs={12} md={8} xl={4}>
            <Statistic
              title={t('importPage.summary.create')}
              value={s.create}
              styles={{ content: { color: '#389e0d' } }}
            />
          </Col>
          <Col xs={12} md={8} xl={4}>
            <Statistic
              title={t('importPage.summary.update')}
              value={s.update}
              styles={{ content: { color: '#1f5fd1' } }}
            />
          </Col>
          <Col xs={12} md={8} xl={4}>
            <Statistic title={t('importPage.summary.unchanged')} value={s.unchanged} />
          </Col>
          <Col xs={12} md={8} xl={4}>
            <Statistic title={t('importPage.summary.relationsCreate')} value={s.relationsCreate} />
          </Col>
          <Col xs={12} md={8} xl={4}>
            <Statistic title={t('importPage.summary.relationsExisting')} value={s.relationsExisting} />
          </Col>
        </Row>
      )}
      {report.errors.length > 0 && (
        <>
          {report.errorCount > report.errors.length && (
            <Typography.Paragraph type="secondary">
              {t('importPage.firstProblems', { shown: report.errors.length, count: report.errorCount })}
            </Typography.Paragraph>
          )}
          <Table<ImportProblem>
            rowKey={(p) => `${p.sheet}:${p.row}:${p.column}:${p.reason}`}
            size="middle"
            dataSource={report.errors}
            pagination={{ pageSize: 50, hideOnSinglePage: true }}
            data-testid="import-problems"
            columns={[
              { title: t('importPage.sheet'), dataIndex: 'sheet', width: 160 },
              { title: t('importPage.row'), dataIndex: 'row', width: 80 },
              {
                title: t('importPage.column'),
                dataIndex: 'column',
                width: 160,
                render: (column: string) => columnName(column),
              },
              {
                title: t('importPage.reason'),
                dataIndex: 'reason',
                render: (reason: string, p) => {
                  const text = importProblemText(p.problem, i18n.language, helpers);
                  return text === reason ? reason : <Tooltip title={reason}>{text}</Tooltip>;
                },
              },
            ]}
          />
        </>
      )}
    </div>
  );
}
