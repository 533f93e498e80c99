import '../../i18n/zh.cmdb';
import { useState } from 'react';
import { Link } from 'react-router';
import { Button, Flex, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { CiDetail, CiRelation } from '../../api/types';
import { formatMinute } from '../../common/format';
import { AddRelationModal } from './AddRelationModal';
import { CiStatusTag, EnvironmentTag } from './CiTags';
import { cmdbQueryKey, removeRelation } from './cmdb.api';
import { ReasonModal } from '../../common/ReasonModal';
import { useCiTypes } from './useCiTypes';
import { useFeedback } from '../../common/feedback';

/** The CI's relations both ways, phrased from this CI's side ("依赖 X", "被 Y 依赖"). */
export function RelationsTab({ ci, canWrite }: { ci: CiDetail; canWrite: boolean }) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const queryClient = useQueryClient();
  const types = useCiTypes();
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<CiRelation | null>(null);
  const editable = canWrite && ci.status === 'active';

  const columns: TableColumnsType<CiRelation> = [
    {
      title: t('cmdb.relation'),
      key: 'relation',
      width: 170,
      render: (_, r) => (
        <Flex gap={6} align="center">
          <Tag color={r.direction === 'outgoing' ? 'blue' : 'purple'} style={{ marginInlineEnd: 0 }}>
            {t(r.direction === 'outgoing' ? 'cmdb.outgoing' : 'cmdb.incoming')}
          </Tag>
          <span>{t(`cmdb.relationPhrase.${r.direction}.${r.type}`, { defaultValue: r.type })}</span>
        </Flex>
      ),
      filters: [
        { text: t('cmdb.outgoing'), value: 'outgoing' },
        { text: t('cmdb.incoming'), value: 'incoming' },
      ],
      onFilter: (value, r) => r.direction === value,
    },
    {
      title: t('cmdb.otherCi'),
      key: 'other',
      render: (_, r) => <Link to={`/cmdb/cis/${r.other.id}`}>{r.other.name}</Link>,
    },
    { title: t('cmdb.fields.type'), key: 'type', width: 130, render: (_, r) => types.typeName(r.other.type) },
    {
      title: t('cmdb.fields.environment'),
      key: 'environment',
      width: 110,
      render: (_, r) => <EnvironmentTag environment={r.other.environment} />,
    },
    {
      title: t('cmdb.fields.status'),
      key: 'status',
      width: 90,
      render: (_, r) => <CiStatusTag status={r.other.status} />,
    },
    { title: t('cmdb.relatedAt'), dataIndex: 'createdAt', width: 150, render: formatMinute },
  ];
  if (editable)
    columns.push({
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      render: (_, r) => (
        <Button type="link" size="small" danger onClick={() => setRemoving(r)}>
          {t('cmdb.removeRelation')}
        </Button>
      ),
    });

  return (
    <>
      <Flex justify="space-between" align="center" style={{ marginBottom: 12 }}>
        <Typography.Text type="secondary">{t('cmdb.relationsHelp')}</Typography.Text>
        {editable && (
          <Button icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="add-relation">
            {t('cmdb.addRelation')}
          </Button>
        )}
      </Flex>
      <Table<CiRelation>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={ci.relations}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        scroll={{ x: 900 }}
        locale={{ emptyText: t('cmdb.noRelations') }}
        data-testid="relation-table"
      />
      {adding && <AddRelationModal ci={ci} onClose={() => setAdding(false)} />}
      {removing && (
        <ReasonModal
          title={t('cmdb.removeRelationTitle', {
            source: removing.direction === 'outgoing' ? ci.name : removing.other.name,
            relation: t(`cmdb.relationTypes.${removing.type}`, { defaultValue: removing.type }),
            target: removing.direction === 'outgoing' ? removing.other.name : ci.name,
          })}
          okText={t('cmdb.removeRelation')}
          label={t('cmdb.reason')}
          onClose={() => setRemoving(null)}
          onSubmit={async (reason) => {
            await removeRelation(removing.id, reason);
            void queryClient.invalidateQueries({ queryKey: cmdbQueryKey });
            void message.success(t('cmdb.relationRemoved'));
          }}
          testId="remove-relation-modal"
        />
      )}
    </>
  );
}
