import '../../i18n/zh.cmdb';
import { useEffect, useMemo, useRef } from 'react';
import * as echarts from 'echarts/core';
import { GraphChart, type GraphSeriesOption } from 'echarts/charts';
import {
  LegendComponent,
  TooltipComponent,
  type LegendComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { ImpactReport } from '../../api/types';
import { environmentLabel, relationLabel } from './CiTags';
import { depthColor, layoutImpact } from './impactModel';
import { useCiTypes, type CiTypes } from './useCiTypes';

echarts.use([GraphChart, TooltipComponent, LegendComponent, CanvasRenderer]);

type Option = echarts.ComposeOption<GraphSeriesOption | TooltipComponentOption | LegendComponentOption>;

export const MAX_GRAPH_NODES = 150;

const html = (text: string) => echarts.format.encodeHTML(text);

/** About how wide a label is at 13 px: CJK characters are twice as wide as Latin ones. */
const textWidth = (text: string) =>
  [...text].reduce((width, ch) => width + (ch.charCodeAt(0) < 0x100 ? 7.5 : 13.5), 0);

function buildOption(report: ImpactReport, t: TFunction, types: CiTypes): Option {
  const { nodes, edges, extent } = layoutImpact(report, MAX_GRAPH_NODES);
  // Two invisible corners make the picture symmetric about the changed CI, so it stays centred,
  // with room for the labels.
  const corner = (id: string, sign: number) => ({
    id,
    name: '',
    x: sign * (extent.x + 80),
    y: sign * (extent.y + 40),
    symbolSize: 0,
    label: { show: false },
    tooltip: { show: false },
  });
  const depths = [...new Set(nodes.map((n) => n.depth))].sort((a, b) => a - b);
  const categoryName = (depth: number) =>
    depth === 0 ? t('cmdb.impact.changed') : t('cmdb.impact.depthN', { depth });
  const names = new Map(nodes.map((n) => [n.id, n.name]));

  return {
    animation: false,
    tooltip: {
      confine: true,
      formatter: (params) => (params as unknown as { data?: { tip?: string } }).data?.tip ?? '',
    },
    legend: {
      data: depths.map(categoryName),
      top: 8,
      left: 'center',
      selectedMode: false,
    },
    series: [
      {
        type: 'graph',
        layout: 'none',
        roam: true,
        preserveAspect: 'contain',
        preserveAspectAlign: 'center',
        preserveAspectVerticalAlign: 'middle',
        top: 56,
        bottom: 24,
        left: 48,
        right: 48,
        categories: depths.map((d) => ({ name: categoryName(d), itemStyle: { color: depthColor(d) } })),
        edgeSymbol: ['none', 'arrow'],
        edgeSymbolSize: 8,
        label: { show: true, position: 'bottom', fontSize: 12, color: '#1f1f1f' },
        edgeLabel: {
          show: true,
          fontSize: 11,
          color: '#595959',
          formatter: (p) => (p.data as { relationText?: string }).relationText ?? '',
        },
        lineStyle: { color: '#a6adb8', width: 1.5, curveness: 0 },
        emphasis: { focus: 'adjacency', lineStyle: { width: 3 } },
        data: [
          corner('corner-min', -1),
          corner('corner-max', 1),
          ...nodes.map((n) => ({
            id: n.id,
            name: n.critical ? `★ ${n.name}` : n.name,
            x: n.x,
            y: n.y,
            category: depths.indexOf(n.depth),
            symbol: n.depth === 0 ? 'roundRect' : n.critical ? 'diamond' : 'circle',
            symbolSize:
              n.depth === 0
                ? [textWidth(n.critical ? `★ ${n.name}` : n.name) + 28, 34]
                : n.critical
                  ? 30
                  : 24,
            itemStyle: n.critical
              ? {
                  color: depthColor(n.depth),
                  borderColor: '#a8071a',
                  borderWidth: 3,
                  shadowBlur: 8,
                  shadowColor: 'rgba(168,7,26,0.45)',
                }
              : { color: depthColor(n.depth), borderColor: '#ffffff', borderWidth: 2 },
            label:
              n.depth === 0
                ? { position: 'inside' as const, color: '#ffffff', fontWeight: 'bold' as const, fontSize: 13 }
                : undefined,
            tip: [
              `<b>${html(n.name)}</b>`,
              `${html(types.typeName(n.type))} · ${html(environmentLabel(t, n.environment))}`,
              n.depth === 0
                ? html(t('cmdb.impact.changed'))
                : html(t('cmdb.impact.depthN', { depth: n.depth })),
              n.critical ? `<span style="color:#a8071a">★ ${html(t('cmdb.critical'))}</span>` : '',
            ]
              .filter(Boolean)
              .join('<br/>'),
          })),
        ],
        links: edges.map((e) => ({
          source: e.source,
          target: e.target,
          relationText: relationLabel(t, e.relation),
          tip: html(
            `${names.get(e.source) ?? ''} ${relationLabel(t, e.relation)} ${names.get(e.target) ?? ''}`,
          ),
        })),
      },
    ],
  };
}

/**
 * CM-2 as a picture: the changed CI in the centre, affected CIs on rings by depth and coloured
 * by it, edges in the relation's own direction labelled with its type, core CIs outlined in red.
 */
export default function ImpactGraph({ report, height = 520 }: { report: ImpactReport; height?: number }) {
  const { t } = useTranslation();
  const types = useCiTypes();
  const element = useRef<HTMLDivElement>(null);
  const option = useMemo(() => buildOption(report, t, types), [report, t, types]);

  useEffect(() => {
    const el = element.current;
    if (!el) return;
    const chart = echarts.init(el, undefined, { renderer: 'canvas' });
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.dispose();
    };
  }, []);

  useEffect(() => {
    const el = element.current;
    if (!el) return;
    echarts.getInstanceByDom(el)?.setOption(option, { notMerge: true });
  }, [option]);

  return (
    <div
      ref={element}
      style={{ width: '100%', height, background: '#fbfcfe', border: '1px solid #eceff4', borderRadius: 6 }}
      role="img"
      aria-label={t('cmdb.impact.graphLabel')}
      data-testid="impact-graph"
    />
  );
}
