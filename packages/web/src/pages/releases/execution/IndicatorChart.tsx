import { useMemo } from 'react';
import * as echarts from 'echarts/core';
import { LineChart, type LineSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  MarkLineComponent,
  TooltipComponent,
  type GridComponentOption,
  type MarkLineComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../../../common/format';
import { useEChart } from '../../../common/useEChart';
import type { Indicator } from './execution.api';

echarts.use([LineChart, GridComponent, TooltipComponent, MarkLineComponent, CanvasRenderer]);

type Option = echarts.ComposeOption<
  LineSeriesOption | GridComponentOption | TooltipComponentOption | MarkLineComponentOption
>;

const LINE = '#1677ff';
const BREACH = '#ff4d4f';
const THRESHOLD = '#cf1322';

/** Round axis bounds around the values and the threshold, with a step of 1, 2, 2.5 or 5 × 10ⁿ. */
export function niceBounds(low: number, high: number): { min: number; max: number; interval: number } {
  const span = high - low || Math.abs(high) || 1;
  const raw = span / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const interval = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const min = Math.floor(low / interval) * interval - interval;
  const round = (v: number) => Number(v.toPrecision(12));
  return {
    min: round(low >= 0 ? Math.max(0, min) : min),
    max: round(Math.ceil(high / interval) * interval + interval),
    interval: round(interval),
  };
}

/** At least half an hour of time axis, ending now or at the last reading. */
const MIN_SPAN_MS = 30 * 60_000;

function buildOption(indicator: Indicator, thresholdLabel: string, now: number): Option {
  const readings = [...indicator.readings].sort((a, b) => a.at.localeCompare(b.at));
  const values = readings.map((r) => r.value);
  const y = niceBounds(Math.min(indicator.threshold, ...values), Math.max(indicator.threshold, ...values));
  const last = Math.max(now, ...readings.map((r) => Date.parse(r.at)));
  const first = Math.min(last - MIN_SPAN_MS, ...readings.map((r) => Date.parse(r.at)));
  const edge = (last - first) * 0.04;
  const unit = indicator.unit ? ` ${indicator.unit}` : '';
  return {
    animation: false,
    grid: { left: 8, right: 12, top: 18, bottom: 4, containLabel: true },
    tooltip: {
      trigger: 'axis',
      confine: true,
      valueFormatter: (v) => `${String(v)}${unit}`,
    },
    xAxis: {
      type: 'time',
      min: first - edge,
      max: last + edge,
      axisLabel: {
        fontSize: 10,
        color: '#8c8c8c',
        formatter: (v: number) => formatTime(new Date(v).toISOString()),
      },
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value',
      ...y,
      axisLabel: { fontSize: 10, color: '#8c8c8c' },
      splitLine: { lineStyle: { color: '#f0f0f0' } },
    },
    series: [
      {
        type: 'line',
        name: indicator.name,
        showSymbol: true,
        symbolSize: 6,
        lineStyle: { color: LINE, width: 2 },
        itemStyle: { color: LINE },
        data: readings.map((r) => ({
          value: [r.at, r.value],
          itemStyle: r.breached ? { color: BREACH } : undefined,
          symbolSize: r.breached ? 9 : 6,
        })),
        markLine: {
          symbol: 'none',
          silent: true,
          lineStyle: { color: THRESHOLD, type: 'dashed', width: 1.5 },
          label: { formatter: thresholdLabel, position: 'insideEndTop', color: THRESHOLD, fontSize: 10 },
          data: [{ yAxis: indicator.threshold }],
        },
      },
    ],
  };
}

/** IM-4: an indicator's readings over time against its threshold (a dashed red line). */
export function IndicatorChart({ indicator, height = 140 }: { indicator: Indicator; height?: number }) {
  const { t } = useTranslation();
  const label = `${t('execution.monitor.threshold')} ${indicator.thresholdText}`;
  // The time axis ends at the time the readings were fetched (they refresh on every change).
  const option = useMemo(() => buildOption(indicator, label, Date.now()), [indicator, label]);
  const element = useEChart(option);
  return (
    <div
      ref={element}
      style={{ width: '100%', height }}
      role="img"
      aria-label={t('execution.monitor.chartLabel', { name: indicator.name })}
      data-testid={`indicator-chart-${indicator.key}`}
    />
  );
}
