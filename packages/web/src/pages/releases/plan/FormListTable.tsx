import type { ReactNode } from 'react';
import { Button, Flex, Form, Table, Tooltip } from 'antd';
import type { FormListFieldData } from 'antd';
import type { Rule } from 'antd/es/form';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';

export interface ListColumn {
  key: string;
  title: ReactNode;
  width?: number;
  render: (field: FormListFieldData, index: number) => ReactNode;
}

/**
 * Rows of a Form.List as an editable table: each cell a form field, rows added, removed and
 * (when `ordered`) moved up and down, numbered in their order.
 */
export function FormListTable({
  name,
  columns,
  addText,
  newRow,
  ordered = false,
  testId,
  footer,
}: {
  name: string | (string | number)[];
  columns: ListColumn[];
  addText: string;
  newRow: () => unknown;
  ordered?: boolean;
  testId?: string;
  footer?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Form.List name={name}>
      {(fields, { add, remove, move }) => (
        <div data-testid={testId}>
          <Table<FormListFieldData>
            rowKey="key"
            size="small"
            pagination={false}
            dataSource={fields}
            locale={{ emptyText: t('plan.notFilled') }}
            scroll={{ x: 'max-content' }}
            columns={[
              ...(ordered
                ? [
                    {
                      key: 'no',
                      title: t('plan.stepNo'),
                      width: 56,
                      render: (_: unknown, __: FormListFieldData, index: number) => index + 1,
                    },
                  ]
                : []),
              ...columns.map((c) => ({
                key: c.key,
                title: c.title,
                width: c.width,
                render: (_: unknown, field: FormListFieldData, index: number) => c.render(field, index),
              })),
              {
                key: 'actions',
                title: '',
                width: ordered ? 112 : 48,
                render: (_: unknown, field: FormListFieldData, index: number) => (
                  <Flex gap={2}>
                    {ordered && (
                      <>
                        <Tooltip title={t('common.moveUp')}>
                          <Button
                            type="text"
                            size="small"
                            icon={<ArrowUpOutlined />}
                            disabled={index === 0}
                            onClick={() => move(index, index - 1)}
                            aria-label={`${t('common.moveUp')} ${index + 1}`}
                          />
                        </Tooltip>
                        <Tooltip title={t('common.moveDown')}>
                          <Button
                            type="text"
                            size="small"
                            icon={<ArrowDownOutlined />}
                            disabled={index === fields.length - 1}
                            onClick={() => move(index, index + 1)}
                            aria-label={`${t('common.moveDown')} ${index + 1}`}
                          />
                        </Tooltip>
                      </>
                    )}
                    <Tooltip title={t('common.remove')}>
                      <Button
                        type="text"
                        size="small"
                        danger
                        icon={<DeleteOutlined />}
                        onClick={() => remove(field.name)}
                        aria-label={`${t('common.remove')} ${index + 1}`}
                      />
                    </Tooltip>
                  </Flex>
                ),
              },
            ]}
          />
          <Flex justify="space-between" align="center" style={{ marginTop: 8 }} gap={12} wrap>
            <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => add(newRow())}>
              {addText}
            </Button>
            {footer}
          </Flex>
        </div>
      )}
    </Form.List>
  );
}

/** A form field inside a table cell: no label (the input carries an aria-label), no margin. */
export function CellItem({
  field,
  name,
  rules,
  children,
}: {
  field: FormListFieldData;
  name: string | (string | number)[];
  rules?: Rule[];
  children: ReactNode;
}) {
  return (
    <Form.Item
      name={[field.name, ...(Array.isArray(name) ? name : [name])]}
      rules={rules}
      style={{ marginBottom: 0 }}
    >
      {children}
    </Form.Item>
  );
}
