import { lazy, Suspense, type ComponentProps } from 'react';
import { useNearScreen } from '../../../common/useNearScreen';
import type { IndicatorChart } from './IndicatorChart';

const Chart = lazy(async () => ({ default: (await import('./IndicatorChart')).IndicatorChart }));

/**
 * IM-4: the indicator's curve, with its chart library (uPlot) fetched when a chart first comes on
 * screen (issue #18): the release page, and its rollback decision on a phone (where the curve is
 * below the decision buttons), are usable before it arrives, and a phone that never scrolls to it
 * never downloads it. The space the chart takes is kept meanwhile, so nothing below it moves.
 */
export function LazyIndicatorChart(props: ComponentProps<typeof IndicatorChart>) {
  const [near, ref] = useNearScreen<HTMLDivElement>();
  const placeholder = (
    <div
      ref={ref}
      style={{ width: '100%', height: props.height ?? 140 }}
      aria-busy="true"
      data-testid={`indicator-chart-${props.indicator.key}-waiting`}
    />
  );
  return near ? (
    <Suspense fallback={placeholder}>
      <Chart {...props} />
    </Suspense>
  ) : (
    placeholder
  );
}
