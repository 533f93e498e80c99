import { Button } from 'antd';
import { DownOutlined } from '@ant-design/icons';
import { LazyDropdown } from './LazyDropdown';

/**
 * Every tab of a tab strip as a menu, beside the strip on a phone: Ant Design gives a
 * touch screen no menu of the tabs scrolled out of sight, only a faint fade, and a release's
 * 回退 is its seventh tab. A second row of tabs would push the rollback decision below the first
 * screen; this keeps the strip one row.
 */
export function TabsMenu({
  tabs,
  activeKey,
  onSelect,
  label,
}: {
  tabs: { key: string; label: string }[];
  activeKey: string;
  onSelect: (key: string) => void;
  label: string;
}) {
  return (
    <LazyDropdown
      menu={{
        items: tabs,
        selectable: true,
        selectedKeys: [activeKey],
        onClick: ({ key }) => onSelect(key),
      }}
    >
      <Button type="text" size="small" data-testid="tabs-menu">
        {label} <DownOutlined />
      </Button>
    </LazyDropdown>
  );
}
