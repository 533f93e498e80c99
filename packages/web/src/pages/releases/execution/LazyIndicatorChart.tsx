import { lazy, Suspense, type ComponentProps } from 'react';
import type { IndicatorChart } from './IndicatorChart';

const Chart = lazy(async () => ({ default: (await import('./IndicatorChart')).IndicatorChart }));

/**
 * IM-4: the indicator's curve, with its chart library (uPlot) fetched when a chart is first shown
 * (issue #18): the release page, and its rollback decision on a phone, are readable before it
 * arrives. The space the chart takes is kept meanwhile, so nothing below it moves.
 */
export function LazyIndicatorChart(props: ComponentProps<typeof IndicatorChart>) {
  return (
    <Suspense fallback={<div style={{ width: '100%', height: props.height ?? 140 }} aria-busy="true" />}>
      <Chart {...props} />
    </Suspense>
  );
}
