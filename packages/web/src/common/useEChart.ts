import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import type { ECElementEvent } from 'echarts/core';

/**
 * An ECharts instance on a div: created on mount, resized with its box, disposed on unmount, and
 * given the option whenever it changes (not merged: the option is the whole picture). The chart
 * types and components it uses are registered by the caller with `echarts.use`.
 */
export function useEChart<Option>(option: Option, onClick?: (event: ECElementEvent) => void) {
  const element = useRef<HTMLDivElement>(null);
  const click = useRef(onClick);
  useEffect(() => {
    click.current = onClick;
  }, [onClick]);

  useEffect(() => {
    const el = element.current;
    if (!el) return;
    const chart = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.on('click', (event) => click.current?.(event));
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
    echarts.getInstanceByDom(el)?.setOption(option as echarts.EChartsCoreOption, { notMerge: true });
  }, [option]);

  return element;
}
