import '../../i18n/zh.cmdb';
import { Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FieldChange } from '../../api/types';
import { useCiFieldText } from './ciFields';

const isEmpty = (v: unknown) => v === null || v === undefined || v === '';

/** Field by field: the value before (struck through) and after (highlighted). */
export function FieldDiff({
  typeKey,
  changes,
  valuesOnly = false,
  testId,
}: {
  typeKey: string;
  changes: FieldChange[];
  /** A creation: only the values set, no "before" column. */
  valuesOnly?: boolean;
  testId?: string;
}) {
  const { t } = useTranslation();
  const text = useCiFieldText();
  const cell = (className: string) => (v: unknown, c: FieldChange) =>
    isEmpty(v) ? (
      <Typography.Text type="secondary">—</Typography.Text>
    ) : (
      <span className={className}>{text.value(c.field, v)}</span>
    );
  const columns: TableColumnsType<FieldChange> = [
    {
      title: t('cmdb.diff.field'),
      key: 'field',
      dataIndex: 'field',
      width: '28%',
      render: (field: string) => text.fieldName(typeKey, field),
    },
    ...(valuesOnly
      ? []
      : [
          {
            title: t('cmdb.diff.before'),
            key: 'before',
            dataIndex: 'before',
            width: '36%',
            render: cell('rg-diff-before'),
          },
        ]),
    {
      title: valuesOnly ? t('cmdb.diff.value') : t('cmdb.diff.after'),
      key: 'after',
      dataIndex: 'after',
      render: valuesOnly ? cell('') : cell('rg-diff-after'),
    },
  ];
  return (
    <Table<FieldChange>
      rowKey="field"
      size="small"
      pagination={false}
      dataSource={changes}
      data-testid={testId}
      columns={columns}
    />
  );
}
