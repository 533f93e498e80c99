import '../../i18n/zh.measures';
import { useMemo } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, type BarSeriesOption } from 'echarts/charts';
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
import type { TFunction } from 'i18next';
import { useEChart } from '../../common/useEChart';
import type { QuarterMeasures } from './measures.api';

echarts.use([BarChart, GridComponent, TooltipComponent, MarkLineComponent, CanvasRenderer]);

type Option = echarts.ComposeOption<
  BarSeriesOption | GridComponentOption | TooltipComponentOption | MarkLineComponentOption
>;

const MET = '#52c41a';
const MISSED = '#ff4d4f';
const TARGET = '#cf1322';

const html = (text: string) => echarts.format.encodeHTML(text);

function buildOption(
  quarters: QuarterMeasures[],
  target: number,
  selected: string | null,
  t: TFunction,
): Option {
  // Bars start at zero: a bar's length is its rate, so 50 % looks half of 100 %, not tiny.
  const min = 0;
  return {
    animation: false,
    grid: { left: 48, right: 88, top: 36, bottom: 32 },
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (params) => {
        const q = quarters[(params as { dataIndex: number }).dataIndex];
        const r = q.successRate;
        const verdict =
          r.meetsTarget === null
            ? t('measures.noData')
            : r.meetsTarget
              ? t('measures.met')
              : t('measures.missed');
        return [
          `<b>${html(q.quarter)}</b>`,
          r.percent === null
            ? html(t('measures.noRate'))
            : `${html(t('measures.successRate'))}: <b>${r.percent}%</b> (${r.numerator} / ${r.denominator})`,
          `${html(t('measures.target', { target }))} · ${html(verdict)}`,
        ].join('<br/>');
      },
    },
    xAxis: {
      type: 'category',
      data: quarters.map((q) => q.quarter),
      axisTick: { alignWithLabel: true },
      axisLabel: {
        fontWeight: 'normal',
        formatter: (value: string) => (value === selected ? `{sel|${value}}` : value),
        rich: { sel: { fontWeight: 'bold', color: '#1677ff' } },
      },
    },
    yAxis: {
      type: 'value',
      min,
      max: 100,
      axisLabel: { formatter: '{value}%' },
      splitLine: { lineStyle: { color: '#f0f0f0' } },
    },
    series: [
      {
        type: 'bar',
        barMaxWidth: 56,
        data: quarters.map((q) => ({
          value: q.successRate.percent ?? undefined,
          itemStyle: {
            color: q.successRate.meetsTarget ? MET : MISSED,
            opacity: selected === null || q.quarter === selected ? 1 : 0.55,
            borderRadius: [4, 4, 0, 0],
          },
        })),
        label: {
          show: true,
          position: 'top',
          formatter: (p) => (typeof p.value === 'number' ? `${p.value}%` : ''),
          color: '#1f1f1f',
          fontWeight: 'bold',
        },
        markLine: {
          symbol: 'none',
          silent: true,
          lineStyle: { color: TARGET, type: 'dashed', width: 2 },
          label: {
            formatter: t('measures.target', { target }),
            position: 'end',
            color: TARGET,
            fontWeight: 'bold',
          },
          data: [{ yAxis: target }],
        },
      },
    ],
  };
}

/** KP-1 as a picture: each quarter's success rate as a bar, green at or above the target line. */
export function SuccessRateChart({
  quarters,
  target,
  selected,
  onSelect,
  height = 280,
}: {
  quarters: QuarterMeasures[];
  target: number;
  selected: string | null;
  onSelect: (quarter: string) => void;
  height?: number;
}) {
  const { t } = useTranslation();
  const option = useMemo(() => buildOption(quarters, target, selected, t), [quarters, target, selected, t]);
  const element = useEChart(option, (event) => onSelect(String(event.name)));

  return (
    <div
      ref={element}
      style={{ width: '100%', height, cursor: 'pointer' }}
      role="img"
      aria-label={t('measures.chartLabel')}
      data-testid="success-rate-chart"
    />
  );
}
