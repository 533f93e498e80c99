import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../../../common/format';
import type { Indicator } from './execution.api';

const LINE = '#1677ff';
const BREACH = '#ff4d4f';
const THRESHOLD = '#cf1322';
const AXIS = '#8c8c8c';
const GRID = '#f0f0f0';
const FONT = '10px -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", sans-serif';

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

interface Picture {
  data: uPlot.AlignedData;
  x: [number, number];
  y: { min: number; max: number; interval: number };
  threshold: number;
}

/** The readings in time order (x in ms), the breached ones again as a series of their own. */
function picture(indicator: Indicator, now: number): Picture {
  const readings = [...indicator.readings].sort((a, b) => a.at.localeCompare(b.at));
  const values = readings.map((r) => r.value);
  const times = readings.map((r) => Date.parse(r.at));
  const last = Math.max(now, ...times);
  const first = Math.min(last - MIN_SPAN_MS, ...times);
  const edge = (last - first) * 0.04;
  return {
    data: [times, values, readings.map((r) => (r.breached ? r.value : null))],
    x: [first - edge, last + edge],
    y: niceBounds(Math.min(indicator.threshold, ...values), Math.max(indicator.threshold, ...values)),
    threshold: indicator.threshold,
  };
}

/** The dashed threshold line across the plot, labelled at its right end (drawn after the series). */
function drawThreshold(u: uPlot, value: number, label: string) {
  const { ctx } = u;
  const { left, top, width, height } = u.bbox;
  const y = Math.round(u.valToPos(value, 'y', true));
  if (y < top || y > top + height) return;
  const ratio = uPlot.pxRatio;
  ctx.save();
  ctx.strokeStyle = THRESHOLD;
  ctx.lineWidth = 1.5 * ratio;
  ctx.setLineDash([6 * ratio, 4 * ratio]);
  ctx.beginPath();
  ctx.moveTo(left, y);
  ctx.lineTo(left + width, y);
  ctx.stroke();
  ctx.fillStyle = THRESHOLD;
  ctx.font = FONT.replace('10px', `${10 * ratio}px`);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'bottom';
  ctx.fillText(label, left + width - 2 * ratio, y - 2 * ratio);
  ctx.restore();
}

function options(
  p: Picture,
  width: number,
  height: number,
  name: string,
  thresholdLabel: string,
  unit: string,
  tip: HTMLDivElement,
): uPlot.Options {
  const axis = { stroke: AXIS, font: FONT, size: 24, gap: 2, ticks: { show: false } };
  return {
    width,
    height,
    ms: 1,
    legend: { show: false },
    padding: [18, 12, 4, 4],
    cursor: { x: false, y: false, drag: { x: false, y: false }, points: { size: 8 } },
    scales: {
      x: { time: true, range: () => p.x },
      y: { range: () => [p.y.min, p.y.max] },
    },
    axes: [
      {
        ...axis,
        grid: { show: false },
        space: 56,
        values: (_u, ticks) => ticks.map((v) => formatTime(new Date(v).toISOString())),
      },
      {
        ...axis,
        size: (u, values) => 10 + Math.max(...(values ?? ['']).map((v) => String(v).length)) * 6,
        grid: { stroke: GRID, width: 1 },
        splits: () => {
          const out: number[] = [];
          for (let v = p.y.min; v <= p.y.max + p.y.interval / 1e6; v += p.y.interval)
            out.push(Number(v.toPrecision(12)));
          return out;
        },
      },
    ],
    series: [
      {},
      { label: name, stroke: LINE, width: 2, points: { show: true, size: 6, fill: LINE, stroke: LINE } },
      {
        label: name,
        stroke: BREACH,
        paths: () => null,
        points: { show: true, size: 9, fill: BREACH, stroke: BREACH },
      },
    ],
    hooks: {
      draw: [(u) => drawThreshold(u, p.threshold, thresholdLabel)],
      // A small tip with the reading's time and value under the finger or the pointer.
      setCursor: [
        (u) => {
          const i = u.cursor.idx;
          const left = u.cursor.left ?? -1;
          if (i == null || left < 0) {
            tip.style.display = 'none';
            return;
          }
          const at = u.data[0][i];
          tip.textContent = `${formatTime(new Date(at).toISOString())}  ${String(u.data[1][i])}${unit}`;
          tip.style.display = 'block';
          const x = u.over.offsetLeft + u.valToPos(at, 'x');
          const room = u.root.offsetWidth - tip.offsetWidth;
          tip.style.left = `${Math.min(Math.max(x - tip.offsetWidth / 2, 0), room)}px`;
        },
      ],
    },
  };
}

/**
 * IM-4: an indicator's readings over time against its threshold (a dashed red line), the readings
 * beyond it in red. Drawn with uPlot (issue #18: ~20 KB instead of ECharts' ~150 KB, so a rollback
 * decision on a phone opens quickly); the same figures are said in words for screen readers.
 */
export function IndicatorChart({ indicator, height = 140 }: { indicator: Indicator; height?: number }) {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const tip = useRef<HTMLDivElement>(null);
  const label = `${t('execution.monitor.threshold')} ${indicator.thresholdText}`;
  const unit = indicator.unit ? ` ${indicator.unit}` : '';
  // The time axis ends at the time the readings were fetched (they refresh on every change).
  const p = useMemo(() => picture(indicator, Date.now()), [indicator]);

  useEffect(() => {
    const el = box.current;
    const tipEl = tip.current;
    if (!el || !tipEl) return;
    const plot = new uPlot(
      options(p, el.clientWidth || 300, height, indicator.name, label, unit, tipEl),
      p.data,
      el,
    );
    const observer = new ResizeObserver(() => {
      if (el.clientWidth > 0 && el.clientWidth !== plot.width)
        plot.setSize({ width: el.clientWidth, height });
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [p, height, indicator.name, label, unit]);

  const readings = indicator.readings;
  const latest = [...readings].sort((a, b) => a.at.localeCompare(b.at)).at(-1);
  const summary = t('execution.monitor.chartSummary', {
    name: indicator.name,
    readings: readings.length,
    latest: latest ? `${latest.value}${unit}` : '—',
    threshold: indicator.thresholdText,
    breached: readings.filter((r) => r.breached).length,
  });
  return (
    <div
      style={{ position: 'relative', width: '100%', height }}
      role="img"
      aria-label={summary}
      data-testid={`indicator-chart-${indicator.key}`}
    >
      <div ref={box} style={{ width: '100%', height }} aria-hidden="true" />
      <div
        ref={tip}
        aria-hidden="true"
        style={{
          display: 'none',
          position: 'absolute',
          top: 0,
          padding: '0 6px',
          borderRadius: 4,
          background: 'rgba(0, 0, 0, 0.75)',
          color: '#fff',
          fontSize: 11,
          lineHeight: '18px',
          whiteSpace: 'nowrap',
          pointerEvents: 'none',
        }}
      />
    </div>
  );
}
