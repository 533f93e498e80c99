import { Steps, type StepsProps } from 'antd';

/** The release's lifecycle as antd's Steps, on a desktop (ReleaseSteps). */
export function ReleaseStepsBar({ current, items }: { current: number; items: StepsProps['items'] }) {
  return (
    <Steps
      size="small"
      current={current}
      items={items}
      data-testid="release-steps"
      style={{ overflowX: 'auto', paddingBottom: 4 }}
    />
  );
}
