import { Button, Flex, Tag } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';

/** An ordered list of release numbers, reordered with up and down (a form control). */
export function OrderList({
  value = [],
  onChange,
  highlight,
}: {
  value?: string[];
  onChange?: (value: string[]) => void;
  highlight?: string;
}) {
  const { t } = useTranslation();
  const move = (from: number, to: number) => {
    const next = [...value];
    const [item] = next.splice(from, 1);
    next.splice(to, 0, item);
    onChange?.(next);
  };
  return (
    <Flex vertical gap={4} data-testid="relationship-order">
      {value.map((number, i) => (
        <Flex key={number} align="center" gap={8}>
          <Tag color={number === highlight ? 'blue' : undefined} style={{ minWidth: 150 }}>
            {i + 1}. <span className="rg-mono">{number}</span>
          </Tag>
          <Button
            size="small"
            type="text"
            icon={<ArrowUpOutlined />}
            disabled={i === 0}
            onClick={() => move(i, i - 1)}
            aria-label={`${t('common.moveUp')} ${number}`}
          />
          <Button
            size="small"
            type="text"
            icon={<ArrowDownOutlined />}
            disabled={i === value.length - 1}
            onClick={() => move(i, i + 1)}
            aria-label={`${t('common.moveDown')} ${number}`}
          />
        </Flex>
      ))}
    </Flex>
  );
}
