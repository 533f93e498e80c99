import '../../i18n/zh.measures';
import { useState } from 'react';
import { Alert, Button, Card, Col, Dropdown, Empty, Flex, Row, Select, Tag, Typography } from 'antd';
import { BeijingDatePicker } from '../../common/beijingPickers';
import { DownloadOutlined, FileExcelOutlined, FileTextOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { RELEASE_OUTCOMES } from '../../api/types';
import { ErrorAlert } from '../../common/ErrorAlert';
import { FullPageSpin } from '../../common/FullPageSpin';
import { PageHeader } from '../../common/PageHeader';
import { KpiCards } from './KpiCards';
import { quarterExportUrl, type QuarterMeasures, useQuarterMeasures } from './measures.api';
import { QuarterReleasesTable } from './QuarterReleasesTable';
import { currentQuarter, dayToQuarter, quarterToDay, shiftQuarter } from './quarters';
import { SuccessRateChart } from './SuccessRateChart';

const COUNTED = new Set(['successful', 'failed', 'rolled_back']);

function OutcomeTags({ quarter: q }: { quarter: QuarterMeasures }) {
  const { t } = useTranslation();
  return (
    <Flex gap={6} wrap align="center" data-testid="measures-outcomes">
      <Typography.Text type="secondary">{t('measures.outcomesTitle', { n: q.closed })}:</Typography.Text>
      {RELEASE_OUTCOMES.map((o) => (
        <Tag key={o} bordered={false} color={COUNTED.has(o) ? 'blue' : 'default'}>
          {t(`releases.outcomes.${o}`)} {q.outcomes[o]}
          {!COUNTED.has(o) && ` · ${t('measures.notCounted')}`}
        </Tag>
      ))}
    </Flex>
  );
}

/** 度量: KP-1 per quarter against the policy's target, the KP-2 measures, drill-down and the report (KP-3). */
export function MeasuresPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'zh';
  const now = currentQuarter();
  const [range, setRange] = useState<[string, string]>([shiftQuarter(now, -3), now]);
  const [picked, setPicked] = useState<string | null>(null);
  const measures = useQuarterMeasures(range[0], range[1]);

  if (measures.isPending) return <FullPageSpin />;
  const view = measures.data;
  const quarters = view?.quarters ?? [];
  const selected =
    quarters.find((q) => q.quarter === picked) ??
    [...quarters].reverse().find((q) => q.closed > 0) ??
    quarters[quarters.length - 1];

  return (
    <>
      <PageHeader
        title={t('measures.title')}
        subtitle={t('measures.subtitle')}
        extra={
          <>
            <BeijingDatePicker.RangePicker
              picker="quarter"
              allowClear={false}
              value={[quarterToDay(range[0]), quarterToDay(range[1])]}
              onChange={(days) => {
                if (days?.[0] && days[1]) {
                  setRange([dayToQuarter(days[0]), dayToQuarter(days[1])]);
                  setPicked(null);
                }
              }}
              aria-label={t('measures.range')}
              data-testid="measures-range"
            />
            {selected && (
              <Dropdown
                menu={{
                  items: [
                    {
                      key: 'xlsx',
                      icon: <FileExcelOutlined />,
                      label: (
                        <a href={quarterExportUrl(selected.quarter, 'xlsx', lang)} download>
                          {t('measures.exportXlsx')}
                        </a>
                      ),
                    },
                    {
                      key: 'csv',
                      icon: <FileTextOutlined />,
                      label: (
                        <a href={quarterExportUrl(selected.quarter, 'csv', lang)} download>
                          {t('measures.exportCsv')}
                        </a>
                      ),
                    },
                  ],
                }}
              >
                <Button type="primary" icon={<DownloadOutlined />} data-testid="measures-export">
                  {t('measures.export')} {selected.quarter}
                </Button>
              </Dropdown>
            )}
          </>
        }
      />
      <ErrorAlert error={measures.error} style={{ marginBottom: 16 }} />
      {view && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={
            <Flex justify="space-between" gap={8} wrap>
              <Typography.Text strong>{t('measures.ruleTitle')}</Typography.Text>
              <Typography.Text type="secondary">
                {t('measures.policy', { number: view.policy.number, version: view.policy.version })}
              </Typography.Text>
            </Flex>
          }
          description={
            <>
              <div data-testid="measures-rule">{view.rules.successRate[lang]}</div>
              <div>{view.rules.quarter[lang]}</div>
            </>
          }
        />
      )}
      {view && selected ? (
        <Row gutter={[16, 16]}>
          <Col span={24}>
            <Card
              title={t('measures.chartTitle')}
              extra={<Typography.Text type="secondary">{t('measures.chartHint')}</Typography.Text>}
            >
              <SuccessRateChart
                quarters={quarters}
                target={view.target}
                selected={selected.quarter}
                onSelect={setPicked}
              />
            </Card>
          </Col>
          <Col span={24}>
            <Card
              title={t('measures.quarterTitle', { quarter: selected.quarter })}
              extra={
                <Select
                  value={selected.quarter}
                  onChange={setPicked}
                  style={{ width: 130 }}
                  aria-label={t('measures.quarter')}
                  options={[...quarters].reverse().map((q) => ({ value: q.quarter, label: q.quarter }))}
                  data-testid="measures-quarter"
                />
              }
            >
              <KpiCards quarter={selected} view={view} />
              <div style={{ marginTop: 16 }}>
                <OutcomeTags quarter={selected} />
              </div>
            </Card>
          </Col>
          <Col span={24}>
            <QuarterReleasesTable key={selected.quarter} quarter={selected.quarter} />
          </Col>
        </Row>
      ) : (
        !measures.error && <Empty description={t('measures.noData')} />
      )}
    </>
  );
}
