import { Fragment, useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Col,
  Empty,
  Flex,
  Form,
  Input,
  Row,
  Select,
  Spin,
  Switch,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { BeijingDatePicker } from '../../../common/beijingPickers';
import type { Dayjs } from 'dayjs';
import { AlertOutlined, FileAddOutlined, MessageOutlined, WarningFilled } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { ReleaseDetail } from '../../../api/types';
import { ErrorAlert } from '../../../common/ErrorAlert';
import { formatDateTime, formatMinute, fromPickerTime } from '../../../common/format';
import { NumberInput } from '../../../common/NumberInput';
import { ActionButton } from '../ActionButton';
import { useReleaseActions } from '../releaseActions';
import { ActionBlockers } from './ActionBlockers';
import {
  LOG_LEVELS,
  SEVERITIES,
  pushLogs,
  recordFeedback,
  recordReading,
  type Feedback,
  type FeedbackInput,
  type Indicator,
  type LogEntry,
  type LogLevel,
  type LogLineInput,
  useLogs,
  useMonitoring,
} from './execution.api';
import { FormModal } from './FormModal';
import { LazyIndicatorChart } from './LazyIndicatorChart';
import { useSubmit } from './useSubmit';
import { textLimit } from '../../../common/textLimit';
import { useFormGuard } from '../../../common/useUnsavedChangesGuard';
import { useFeedback } from '../../../common/feedback';

const LEVEL_COLORS: Record<LogLevel, string> = { debug: 'default', info: 'blue', warn: 'gold', error: 'red' };
/** Sources the server gives log lines itself (IM-5); a source a person or a pipeline named is shown as named. */
const LOG_SOURCES = new Set(['attached', 'pipeline', 'prometheus']);
const SEVERITY_COLORS: Record<Feedback['severity'], string> = {
  low: 'default',
  medium: 'blue',
  high: 'orange',
  critical: 'red',
};

/**
 * 监控: the plan's key indicators with their readings against the thresholds (IM-4), the logs
 * kept with the release with error patterns flagged (IM-5), and user feedback with the
 * complaint threshold (IM-6). Breaches and complaints raise rollback triggers on the server.
 */
export function MonitoringTab({ release }: { release: ReleaseDetail }) {
  const { t } = useTranslation();
  const monitoring = useMonitoring(release.id);
  if (monitoring.isPending) return <Spin />;
  if (monitoring.error) return <ErrorAlert error={monitoring.error} />;
  const m = monitoring.data;

  return (
    <div data-testid="monitoring-tab">
      <ActionBlockers action="record_monitoring" />
      <Card
        size="small"
        title={t('execution.monitor.indicatorsTitle')}
        extra={
          m.prometheus && (
            <Tag color="purple" style={{ marginInlineEnd: 0 }}>
              {t('execution.monitor.prometheus')}
            </Tag>
          )
        }
        style={{ marginBottom: 16 }}
      >
        {m.indicators.length === 0 ? (
          <Empty description={t('execution.monitor.noIndicators')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
        ) : (
          <>
            <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
              {m.indicators.map((i) => (
                <Col key={i.key} xs={24} md={12} xxl={8}>
                  <IndicatorCard indicator={i} />
                </Col>
              ))}
            </Row>
            <ReadingForm release={release} indicators={m.indicators} />
          </>
        )}
      </Card>
      <LogsCard release={release} patterns={m.errorPatterns} />
      <FeedbackCard release={release} feedback={m.feedback} threshold={m.complaintThreshold} />
    </div>
  );
}

function IndicatorCard({ indicator: i }: { indicator: Indicator }) {
  const { t } = useTranslation();
  const latest = [...i.readings].sort((a, b) => b.at.localeCompare(a.at))[0];
  const breach = latest?.breached ?? false;
  return (
    <Card
      size="small"
      data-testid={`indicator-${i.key}`}
      data-breached={breach ? 'true' : undefined}
      style={breach ? { borderColor: '#ff4d4f', background: '#fff1f0' } : { background: '#fafafa' }}
      styles={{ body: { padding: 12 } }}
    >
      <Flex justify="space-between" align="flex-start" gap={8}>
        <div style={{ minWidth: 0 }}>
          <Typography.Text strong>{i.name}</Typography.Text>{' '}
          <Typography.Text type="secondary" className="rg-mono" style={{ fontSize: 12 }}>
            {i.key}
          </Typography.Text>
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('execution.monitor.threshold')} {i.thresholdText}
              {i.query && <Tooltip title={i.query}> · {t('execution.monitor.query')}</Tooltip>}
            </Typography.Text>
          </div>
        </div>
        {latest ? (
          <Tag
            color={breach ? 'error' : 'success'}
            icon={breach ? <WarningFilled /> : undefined}
            style={{ marginInlineEnd: 0 }}
          >
            {breach ? t('execution.monitor.breach') : t('execution.monitor.normal')}
          </Tag>
        ) : null}
      </Flex>
      <Flex align="baseline" gap={6} style={{ margin: '6px 0 2px' }}>
        <span
          style={{ fontSize: 28, fontWeight: 600, lineHeight: 1.2, color: breach ? '#cf1322' : '#1f1f1f' }}
          data-testid={`indicator-${i.key}-latest`}
        >
          {latest ? latest.value : '—'}
        </span>
        {latest && i.unit && <Typography.Text type="secondary">{i.unit}</Typography.Text>}
        {latest && (
          <Typography.Text type="secondary" style={{ fontSize: 12, marginInlineStart: 'auto' }}>
            {t(`execution.monitor.sources.${latest.source}`)} · {formatMinute(latest.at)}
          </Typography.Text>
        )}
      </Flex>
      {i.readings.length > 0 ? (
        <LazyIndicatorChart indicator={i} />
      ) : (
        <Flex align="center" justify="center" style={{ height: 140 }}>
          <Typography.Text type="secondary">{t('execution.monitor.noReading')}</Typography.Text>
        </Flex>
      )}
    </Card>
  );
}

interface ReadingValues {
  indicator: string;
  value: number;
  at?: Dayjs | null;
}

/** IM-4: a reading entered by hand; a breach raises a trigger on the server by itself. */
function ReadingForm({ release, indicators }: { release: ReleaseDetail; indicators: Indicator[] }) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const { availability } = useReleaseActions();
  const [form] = Form.useForm<ReadingValues>();
  const guard = useFormGuard();
  const { submit, failure, pending } = useSubmit(form);
  const [raised, setRaised] = useState<string | null>(null);
  if (!availability('record_monitoring').allowed) return null;

  const record = (v: ReadingValues) => {
    setRaised(null);
    return submit(
      () =>
        recordReading(release.id, {
          indicator: v.indicator,
          value: v.value,
          at: v.at ? fromPickerTime(v.at) : null,
        }),
      (result) => {
        if (result.trigger) setRaised(result.trigger.summary);
        else void message.success(t('execution.monitor.recorded'));
        guard.saved();
        form.setFieldsValue({ value: undefined, at: null });
      },
    );
  };

  return (
    <div data-testid="reading-form">
      <Typography.Text strong>{t('execution.monitor.readingTitle')}</Typography.Text>
      <ErrorAlert error={failure} style={{ margin: '8px 0' }} />
      {raised && (
        <Alert
          type="error"
          showIcon
          icon={<AlertOutlined />}
          style={{ margin: '8px 0' }}
          title={t('execution.monitor.breachRaised', { summary: raised })}
          data-testid="reading-trigger-raised"
        />
      )}
      <Form<ReadingValues>
        form={form}
        name="reading"
        layout="inline"
        style={{ marginTop: 8, rowGap: 8 }}
        initialValues={{ indicator: indicators[0]?.key }}
        onFinish={(v) => void record(v)}
        onValuesChange={guard.touched}
      >
        <Form.Item
          name="indicator"
          label={t('execution.monitor.indicator')}
          rules={[{ required: true, message: t('execution.monitor.required') }]}
        >
          <Select
            style={{ width: 220 }}
            options={indicators.map((i) => ({ value: i.key, label: `${i.name}（${i.thresholdText}）` }))}
          />
        </Form.Item>
        <Form.Item
          name="value"
          label={t('execution.monitor.value')}
          rules={[{ required: true, message: t('execution.monitor.required') }]}
        >
          <NumberInput style={{ width: 140 }} />
        </Form.Item>
        <Form.Item name="at" label={t('execution.monitor.at')} tooltip={t('execution.monitor.atHelp')}>
          <BeijingDatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" loading={pending} data-testid="reading-submit">
            {t('execution.monitor.record')}
          </Button>
        </Form.Item>
      </Form>
    </div>
  );
}

/** The part of a log message a flagging pattern matched, highlighted. */
function Highlighted({ message, pattern }: { message: string; pattern: string | null }) {
  if (!pattern) return <>{message}</>;
  let re: RegExp;
  const literal = /^\/(.+)\/([a-z]*)$/.exec(pattern);
  try {
    re = literal
      ? new RegExp(literal[1], `${literal[2].replace('g', '')}g`)
      : new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi');
  } catch {
    return <>{message}</>;
  }
  const parts: React.ReactNode[] = [];
  let last = 0;
  for (const match of message.matchAll(re)) {
    if (!match[0]) break;
    const at = match.index;
    parts.push(message.slice(last, at));
    parts.push(
      <mark key={at} style={{ background: '#ffccc7', padding: '0 2px', borderRadius: 2 }}>
        {match[0]}
      </mark>,
    );
    last = at + match[0].length;
  }
  parts.push(message.slice(last));
  return (
    <>
      {parts.map((p, i) => (
        <Fragment key={i}>{p}</Fragment>
      ))}
    </>
  );
}

/** IM-5: the logs kept with the release, searchable; lines matching the plan's patterns flagged. */
function LogsCard({ release, patterns }: { release: ReleaseDetail; patterns: string[] }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [flagged, setFlagged] = useState(false);
  const [level, setLevel] = useState<LogLevel | undefined>(undefined);
  const [attaching, setAttaching] = useState(false);
  const { availability } = useReleaseActions();
  const query = { q: text || undefined, flagged: flagged ? ('true' as const) : undefined, level, limit: 200 };
  const logs = useLogs(release.id, query);

  return (
    <Card
      size="small"
      title={t('execution.monitor.logsTitle')}
      extra={
        availability('record_monitoring').allowed && (
          <Button
            size="small"
            icon={<FileAddOutlined />}
            onClick={() => setAttaching(true)}
            data-testid="logs-attach"
          >
            {t('execution.monitor.attach')}
          </Button>
        )
      }
      style={{ marginBottom: 16 }}
      data-testid="logs-card"
    >
      <Flex gap={12} align="center" wrap style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          placeholder={t('execution.monitor.search')}
          onSearch={(v) => setText(v.trim())}
          style={{ width: 280 }}
          data-testid="logs-search"
        />
        <Select<LogLevel>
          allowClear
          placeholder={t('execution.monitor.allLevels')}
          value={level}
          onChange={(v) => setLevel(v)}
          style={{ width: 140 }}
          options={LOG_LEVELS.map((l) => ({ value: l, label: l.toUpperCase() }))}
          aria-label={t('execution.monitor.level')}
        />
        <Flex gap={6} align="center">
          <Switch size="small" checked={flagged} onChange={setFlagged} data-testid="logs-flagged" />
          <Typography.Text>{t('execution.monitor.onlyFlagged')}</Typography.Text>
        </Flex>
        <Typography.Text type="secondary" style={{ fontSize: 12, marginInlineStart: 'auto' }}>
          {t('execution.monitor.patterns')}
          {t('common.colon')}
          {patterns.length === 0
            ? t('execution.monitor.noPatterns')
            : patterns.map((p) => (
                <Tag key={p} className="rg-mono" style={{ marginInlineStart: 4, marginInlineEnd: 0 }}>
                  {p}
                </Tag>
              ))}
        </Typography.Text>
      </Flex>
      <ErrorAlert error={logs.error} style={{ marginBottom: 12 }} />
      <Table<LogEntry>
        rowKey="seq"
        size="small"
        loading={logs.isFetching && !logs.data}
        dataSource={logs.data ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true, size: 'small' }}
        locale={{ emptyText: t('execution.monitor.noLogs') }}
        scroll={{ x: 'max-content' }}
        data-testid="logs-table"
        onRow={(l) =>
          ({
            'data-flagged': l.flaggedPattern ? 'true' : undefined,
            style: l.flaggedPattern ? { background: '#fff1f0' } : undefined,
          }) as React.HTMLAttributes<HTMLElement>
        }
        columns={[
          {
            key: 'at',
            title: t('execution.monitor.at'),
            width: 170,
            render: (_, l) => <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(l.at)}</span>,
          },
          {
            key: 'level',
            title: t('execution.monitor.level'),
            width: 80,
            render: (_, l) => (
              <Tag color={LEVEL_COLORS[l.level]} style={{ marginInlineEnd: 0 }}>
                {l.level.toUpperCase()}
              </Tag>
            ),
          },
          {
            key: 'source',
            title: t('execution.monitor.source'),
            dataIndex: 'source',
            width: 120,
            render: (source: string) =>
              LOG_SOURCES.has(source) ? t(`execution.monitor.logSources.${source}`) : source,
          },
          {
            key: 'message',
            title: t('execution.monitor.message'),
            render: (_, l) => (
              <span
                className="rg-mono"
                style={{ fontSize: 12, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}
              >
                <Highlighted message={l.message} pattern={l.flaggedPattern} />
              </span>
            ),
          },
          {
            key: 'flagged',
            title: t('execution.monitor.flagged'),
            width: 140,
            render: (_, l) =>
              l.flaggedPattern ? (
                <Tag color="error" icon={<WarningFilled />} className="rg-mono">
                  {l.flaggedPattern}
                </Tag>
              ) : null,
          },
        ]}
      />
      {attaching && <AttachLogsModal release={release} onClose={() => setAttaching(false)} />}
    </Card>
  );
}

/**
 * Pasted text as log lines, one per line, each sent with the chosen level: the server reads the
 * level a line states itself (`logLevelIn`), wherever its format puts it.
 */
export function parseLogLines(text: string, level: LogLevel, source: string | null): LogLineInput[] {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim())
    .map((line) => ({ level, message: line.trim(), source }));
}

function AttachLogsModal({ release, onClose }: { release: ReleaseDetail; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const [form] = Form.useForm<{ lines: string; level: LogLevel; source?: string }>();
  const guard = useFormGuard();
  const { submit, failure, pending } = useSubmit();

  const attach = (v: { lines: string; level: LogLevel; source?: string }) =>
    submit(
      () => pushLogs(release.id, parseLogLines(v.lines, v.level, v.source?.trim() || null)),
      (r) => {
        void message.success(t('execution.monitor.attached', r));
        guard.saved();
        onClose();
      },
    );

  return (
    <FormModal
      width={720}
      title={t('execution.monitor.attachTitle')}
      okText={t('execution.monitor.attach')}
      pending={pending}
      failure={failure}
      onOk={() => form.submit()}
      onClose={onClose}
      testId="logs-attach-modal"
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ level: 'info' }}
        onFinish={(v) => void attach(v)}
        onValuesChange={guard.touched}
      >
        <Form.Item
          name="lines"
          label={t('execution.monitor.lines')}
          extra={t('execution.monitor.linesHelp')}
          rules={[{ required: true, whitespace: true, message: t('execution.monitor.linesRequired') }]}
        >
          <Input.TextArea
            autoSize={{ minRows: 6, maxRows: 16 }}
            style={{ fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', fontSize: 12 }}
          />
        </Form.Item>
        <Flex gap={16}>
          <Form.Item name="level" label={t('execution.monitor.defaultLevel')} style={{ width: 160 }}>
            <Select options={LOG_LEVELS.map((l) => ({ value: l, label: l.toUpperCase() }))} />
          </Form.Item>
          <Form.Item name="source" label={t('execution.monitor.source')} style={{ flex: 1 }}>
            <Input count={textLimit(100)} placeholder={t('execution.monitor.sourcePlaceholder')} />
          </Form.Item>
        </Flex>
      </Form>
    </FormModal>
  );
}

/** IM-6: user feedback during and after the release, with the policy's complaint threshold. */
function FeedbackCard({
  release,
  feedback,
  threshold,
}: {
  release: ReleaseDetail;
  feedback: Feedback[];
  threshold: { count: number; withinMinutes: number };
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const thresholdText = t('execution.monitor.complaintThreshold', {
    count: threshold.count,
    minutes: threshold.withinMinutes,
  });

  return (
    <Card
      size="small"
      title={t('execution.monitor.feedbackTitle')}
      extra={
        <Flex gap={12} align="center">
          <Tag
            color="orange"
            icon={<AlertOutlined />}
            style={{ marginInlineEnd: 0 }}
            data-testid="complaint-threshold"
          >
            {thresholdText}
          </Tag>
          <ActionButton
            action="record_monitoring"
            size="small"
            icon={<MessageOutlined />}
            onRun={() => setOpen(true)}
            data-testid="feedback-add"
          >
            {t('execution.monitor.recordFeedback')}
          </ActionButton>
        </Flex>
      }
      data-testid="feedback-card"
    >
      <Table<Feedback>
        rowKey="seq"
        size="small"
        dataSource={[...feedback].sort((a, b) => b.at.localeCompare(a.at))}
        pagination={{ pageSize: 10, hideOnSinglePage: true, size: 'small' }}
        locale={{ emptyText: t('execution.monitor.noFeedback') }}
        scroll={{ x: 'max-content' }}
        columns={[
          { key: 'at', title: t('execution.monitor.at'), width: 170, render: (_, f) => formatDateTime(f.at) },
          { key: 'channel', title: t('execution.monitor.channel'), dataIndex: 'channel', width: 120 },
          { key: 'reporter', title: t('execution.monitor.reporter'), dataIndex: 'reporter', width: 140 },
          { key: 'content', title: t('execution.monitor.content'), dataIndex: 'content' },
          {
            key: 'severity',
            title: t('execution.monitor.severity'),
            width: 100,
            render: (_, f) => (
              <Tag color={SEVERITY_COLORS[f.severity]}>{t(`execution.monitor.severities.${f.severity}`)}</Tag>
            ),
          },
          {
            key: 'complaint',
            title: t('execution.monitor.complaint'),
            width: 80,
            render: (_, f) =>
              f.complaint ? <Tag color="red">{t('execution.monitor.complaint')}</Tag> : null,
          },
        ]}
      />
      {open && (
        <FeedbackModal release={release} thresholdText={thresholdText} onClose={() => setOpen(false)} />
      )}
    </Card>
  );
}

/** IM-6: one feedback item; complaints reaching the threshold raise a trigger on the server. */
function FeedbackModal({
  release,
  thresholdText,
  onClose,
}: {
  release: ReleaseDetail;
  thresholdText: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const [form] = Form.useForm<FeedbackInput>();
  const guard = useFormGuard();
  const { submit, failure, pending } = useSubmit(form);

  const record = (v: FeedbackInput) =>
    submit(
      () => recordFeedback(release.id, { ...v, complaint: v.complaint ?? false }),
      (r) => {
        void message.success(
          r.trigger ? t('execution.monitor.complaintsRaised') : t('execution.monitor.feedbackRecorded'),
        );
        guard.saved();
        onClose();
      },
    );

  return (
    <FormModal
      title={t('execution.monitor.recordFeedback')}
      okText={t('common.submit')}
      pending={pending}
      failure={failure}
      onOk={() => form.submit()}
      onClose={onClose}
      testId="feedback-modal"
    >
      <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={thresholdText} />
      <Form<FeedbackInput>
        form={form}
        name="feedback"
        layout="vertical"
        initialValues={{ severity: 'medium', complaint: false }}
        onFinish={(v) => void record(v)}
        onValuesChange={guard.touched}
      >
        <Flex gap={16}>
          <Form.Item name="channel" label={t('execution.monitor.channel')} style={{ flex: 1 }}>
            <Input count={textLimit(50)} placeholder={t('execution.monitor.channelPlaceholder')} />
          </Form.Item>
          <Form.Item name="reporter" label={t('execution.monitor.reporter')} style={{ flex: 1 }}>
            <Input count={textLimit(100)} />
          </Form.Item>
        </Flex>
        <Form.Item name="content" label={t('execution.monitor.content')}>
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} count={textLimit(4000)} />
        </Form.Item>
        <Flex gap={16} align="center">
          <Form.Item name="severity" label={t('execution.monitor.severity')} style={{ width: 160 }}>
            <Select
              options={SEVERITIES.map((s) => ({ value: s, label: t(`execution.monitor.severities.${s}`) }))}
            />
          </Form.Item>
          <Form.Item name="complaint" valuePropName="checked" label={t('execution.monitor.isComplaint')}>
            <Switch />
          </Form.Item>
        </Flex>
      </Form>
    </FormModal>
  );
}
