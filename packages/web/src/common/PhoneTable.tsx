import type { Key, ReactNode } from 'react';
import { Descriptions, Flex, Table, Typography, type TableProps } from 'antd';
import type { ColumnType } from 'antd/es/table';
import { usePhone } from './usePhone';

type Column<T> = ColumnType<T> & { key?: Key };

/** The value of a column for one row, as the column renders it. */
function cell<T extends object>(column: Column<T>, record: T, index: number): ReactNode {
  const field = column.dataIndex;
  const value =
    typeof field === 'string' || typeof field === 'number'
      ? (record as Record<string | number, unknown>)[field]
      : undefined;
  if (column.render) return column.render(value, record, index) as ReactNode;
  return value === null || value === undefined || value === '' ? '—' : (value as ReactNode);
}

const columnKey = <T,>(column: Column<T>, index: number): string =>
  String(
    column.key ??
      (typeof column.dataIndex === 'string' || typeof column.dataIndex === 'number'
        ? column.dataIndex
        : index),
  );

/**
 * A table on a desktop; on a phone (issue #17) each row as a small card of label and value, so a
 * table of five columns is read at 360 px without scrolling sideways. The columns, their titles
 * and renderers are the table's own; columns must be plain (no groups).
 */
export function PhoneTable<T extends object>(props: TableProps<T>) {
  const phone = usePhone();
  if (!phone) return <Table<T> {...props} />;
  const { dataSource = [], columns = [], rowKey, locale, style } = props;
  const testId = (props as { 'data-testid'?: string })['data-testid'];
  const keyOf = (record: T, index: number): Key =>
    typeof rowKey === 'function'
      ? rowKey(record, index)
      : typeof rowKey === 'string'
        ? ((record as Record<string, Key>)[rowKey] ?? index)
        : index;
  if (dataSource.length === 0)
    return (
      <div style={style} data-testid={testId}>
        <Typography.Text type="secondary">{locale?.emptyText as ReactNode}</Typography.Text>
      </div>
    );
  const all = columns as Column<T>[];
  // Columns without a title (a row's buttons) go beneath the row's facts.
  const titled = (column: Column<T>) => column.title !== undefined && column.title !== '';
  const facts = all.filter(titled);
  const actions = all.filter((column) => !titled(column));
  const expanded = props.expandable?.expandedRowRender;
  return (
    <Flex vertical gap={8} style={style} data-testid={testId}>
      {dataSource.map((record, index) => (
        <Flex vertical gap={8} key={keyOf(record, index)} data-testid="phone-table-row">
          <Descriptions
            size="small"
            bordered
            column={1}
            // One width for the labels of every row, so the rows read as one list.
            styles={{ label: { width: '40%' } }}
            items={facts.map((column, i) => ({
              key: columnKey(column, i),
              label: column.title as ReactNode,
              children: cell(column, record, index),
            }))}
          />
          {expanded && <div style={{ paddingInline: 8 }}>{expanded(record, index, 0, true)}</div>}
          {actions.length > 0 && (
            <Flex gap={8} wrap justify="flex-end">
              {actions.map((column, i) => (
                <span key={columnKey(column, i)}>{cell(column, record, index)}</span>
              ))}
            </Flex>
          )}
        </Flex>
      ))}
    </Flex>
  );
}
