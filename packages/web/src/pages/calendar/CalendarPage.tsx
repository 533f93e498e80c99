import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Button, Card, Col, Flex, Popconfirm, Row, Table, Tag, Tooltip, Typography } from 'antd';
import type { CalendarProps } from 'antd';
import { DeleteOutlined, PlusOutlined, WarningFilled } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { CalendarWindow, FreezeWindow } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../common/ErrorAlert';
import { formatMinute, formatTime, fromPickerTime, toPickerTime } from '../../common/format';
import { BeijingCalendar } from '../../common/beijingPickers';
import { PageHeader } from '../../common/PageHeader';
import { deleteFreeze, releasesQueryKey, useCalendar } from '../releases/releases.api';
import { PlanStatusTag, ReleaseStateTag, ReleaseTypeTag } from '../releases/ReleaseTags';
import { monthFromParam, onDay, overlapsOf } from './calendarModel';
import { FreezeModal } from './FreezeModal';
import { PersonName } from '../../common/people';
import { useFeedback } from '../../common/feedback';

/** 发布日历: release windows and freeze windows by month, overlaps marked (PL-5); freezes managed here. */
export function CalendarPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = useFeedback();
  const queryClient = useQueryClient();
  // ?month=YYYY-MM opens a given month (links from a release's window).
  const [params, setParams] = useSearchParams();
  const month = monthFromParam(params.get('month'));
  const setMonth = (next: Dayjs) => setParams({ month: next.format('YYYY-MM') }, { replace: true });
  const [creating, setCreating] = useState(false);
  const remove = useMutation({
    mutationFn: (f: FreezeWindow) => deleteFreeze(f.id),
    onSuccess: (_, f) => void message.success(t('calendar.freezeDeleted', { name: f.name })),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: releasesQueryKey }),
  });
  // The grid shows six weeks around the month.
  const from = month.startOf('month').startOf('week');
  const to = from.add(42, 'day');
  const calendar = useCalendar(fromPickerTime(from), fromPickerTime(to));
  const windows = calendar.data?.windows ?? [];
  const freezes = calendar.data?.freezes ?? [];
  const overlaps = overlapsOf(windows, freezes);
  const conflicted = (w: CalendarWindow) => {
    const o = overlaps.get(w.releaseId);
    return !!o && (o.freezes.length > 0 || o.windows.length > 0);
  };
  const monthStart = month.startOf('month');
  const monthEnd = month.endOf('month');
  const inMonth = (start: string, end: string) =>
    Date.parse(start) <= monthEnd.valueOf() && Date.parse(end) >= monthStart.valueOf();

  const conflictTexts = (w: CalendarWindow) => {
    const o = overlaps.get(w.releaseId);
    return [
      ...(o?.freezes ?? []).map((f) => t('calendar.overlapsFreeze', { name: f.name })),
      ...(o?.windows ?? []).map((x) => t('calendar.overlapsRelease', { number: x.number })),
    ];
  };

  const cellRender: CalendarProps<Dayjs>['cellRender'] = (date, info) => {
    if (info.type !== 'date') return info.originNode;
    const dayFreezes = freezes.filter((f) => onDay(date, f.startsAt, f.endsAt));
    const dayWindows = windows.filter((w) => onDay(date, w.start, w.end));
    return (
      <Flex vertical gap={2} data-testid={`calendar-day-${date.format('YYYY-MM-DD')}`}>
        {dayFreezes.map((f) => (
          <Tooltip key={f.id} title={`${f.name}：${formatMinute(f.startsAt)} – ${formatMinute(f.endsAt)}`}>
            <div className="rg-cal-freeze">
              {t('calendar.freeze')} · {f.name}
            </div>
          </Tooltip>
        ))}
        {dayWindows.map((w) => {
          const problems = conflictTexts(w);
          return (
            <Tooltip
              key={w.releaseId}
              title={
                <>
                  <div>
                    {w.number} {w.title}
                  </div>
                  <div>
                    {formatMinute(w.start)} – {formatMinute(w.end)}
                  </div>
                  {problems.map((p) => (
                    <div key={p}>⚠ {p}</div>
                  ))}
                </>
              }
            >
              <Link
                to={`/releases/${w.releaseId}?tab=plan`}
                className={problems.length ? 'rg-cal-window rg-cal-conflict' : 'rg-cal-window'}
                data-testid="calendar-window"
              >
                {problems.length > 0 && <WarningFilled />}{' '}
                {toPickerTime(w.start).isSame(date, 'day') && formatTime(w.start)} {w.number} {w.title}
              </Link>
            </Tooltip>
          );
        })}
      </Flex>
    );
  };

  return (
    <>
      <PageHeader
        title={t('calendar.title')}
        subtitle={t('calendar.subtitle')}
        extra={
          can('policy.manage') ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating(true)}
              data-testid="freeze-create"
            >
              {t('calendar.createFreeze')}
            </Button>
          ) : (
            <Tag>{t('calendar.readOnly')}</Tag>
          )
        }
      />
      <ErrorAlert error={calendar.error ?? remove.error} style={{ marginBottom: 16 }} />
      <Card style={{ marginBottom: 16 }} data-testid="release-calendar">
        <Flex gap={16} align="center" style={{ marginBottom: 8 }} wrap>
          <Typography.Text type="secondary">{t('calendar.legend')}</Typography.Text>
          <span className="rg-cal-window">{t('calendar.legendWindow')}</span>
          <span className="rg-cal-window rg-cal-conflict">
            <WarningFilled /> {t('calendar.legendConflict')}
          </span>
          <span className="rg-cal-freeze">{t('calendar.legendFreeze')}</span>
        </Flex>
        <BeijingCalendar
          className="rg-calendar"
          value={month}
          onPanelChange={(date) => setMonth(date.startOf('month'))}
          onSelect={(date, { source }) => {
            if (source === 'month' || source === 'year') setMonth(date.startOf('month'));
          }}
          cellRender={cellRender}
          mode="month"
        />
      </Card>
      <Row gutter={16}>
        <Col xs={24} xl={15}>
          <Card title={t('calendar.windowsTitle')} size="small" style={{ marginBottom: 16 }}>
            <Table<CalendarWindow>
              rowKey="releaseId"
              size="small"
              pagination={false}
              dataSource={windows.filter((w) => inMonth(w.start, w.end))}
              locale={{ emptyText: t('calendar.noWindows') }}
              data-testid="calendar-windows"
              columns={[
                {
                  title: t('releases.fields.number'),
                  dataIndex: 'number',
                  width: 140,
                  render: (n: string, w) => (
                    <Link to={`/releases/${w.releaseId}`} className="rg-mono">
                      {n}
                    </Link>
                  ),
                },
                {
                  title: t('releases.fields.title'),
                  dataIndex: 'title',
                  render: (title: string, w) => (
                    <Flex vertical>
                      <span>{title}</span>
                      <Flex gap={4}>
                        <ReleaseTypeTag type={w.type} />
                        <ReleaseStateTag state={w.state} />
                      </Flex>
                    </Flex>
                  ),
                },
                {
                  title: t('calendar.window'),
                  key: 'window',
                  width: 200,
                  render: (_, w) => (
                    <Flex vertical>
                      <span>{formatMinute(w.start)}</span>
                      <span>{formatMinute(w.end)}</span>
                    </Flex>
                  ),
                },
                {
                  title: t('calendar.planVersion'),
                  key: 'plan',
                  width: 120,
                  render: (_, w) => (
                    <Flex vertical gap={2}>
                      <span>{t('plan.versionN', { version: w.planVersion })}</span>
                      <PlanStatusTag status={w.planStatus} />
                    </Flex>
                  ),
                },
                {
                  title: t('calendar.conflicts'),
                  key: 'conflicts',
                  width: 200,
                  render: (_, w) =>
                    conflicted(w) ? (
                      <Flex vertical gap={2}>
                        {conflictTexts(w).map((c) => (
                          <Tag
                            key={c}
                            color="warning"
                            icon={<WarningFilled />}
                            style={{ whiteSpace: 'normal' }}
                          >
                            {c}
                          </Tag>
                        ))}
                      </Flex>
                    ) : (
                      '—'
                    ),
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={9}>
          <Card title={t('calendar.freezesTitle')} size="small" style={{ marginBottom: 16 }}>
            <Table<FreezeWindow>
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={freezes.filter((f) => inMonth(f.startsAt, f.endsAt))}
              locale={{ emptyText: t('calendar.noFreezes') }}
              data-testid="calendar-freezes"
              columns={[
                {
                  title: t('calendar.freezeName'),
                  dataIndex: 'name',
                  render: (name: string, f) => (
                    <Flex vertical>
                      <span>{name}</span>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {formatMinute(f.startsAt)} – {formatMinute(f.endsAt)}
                      </Typography.Text>
                      {f.reason && (
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          {f.reason}
                        </Typography.Text>
                      )}
                    </Flex>
                  ),
                },
                {
                  title: t('calendar.createdBy'),
                  dataIndex: 'createdBy',
                  width: 90,
                  render: (u: string) => <PersonName username={u} />,
                },
                ...(can('policy.manage')
                  ? [
                      {
                        title: '',
                        key: 'delete',
                        width: 60,
                        render: (_: unknown, f: FreezeWindow) => (
                          <Popconfirm
                            title={t('calendar.deleteFreezeConfirm', { name: f.name })}
                            okText={t('calendar.deleteFreeze')}
                            cancelText={t('common.cancel')}
                            okButtonProps={{ danger: true }}
                            onConfirm={() => remove.mutate(f)}
                          >
                            <Button
                              type="text"
                              danger
                              size="small"
                              icon={<DeleteOutlined />}
                              aria-label={`${t('calendar.deleteFreeze')} ${f.name}`}
                            />
                          </Popconfirm>
                        ),
                      },
                    ]
                  : []),
              ]}
            />
          </Card>
        </Col>
      </Row>
      {creating && <FreezeModal onClose={() => setCreating(false)} />}
    </>
  );
}
