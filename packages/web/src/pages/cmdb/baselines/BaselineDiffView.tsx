import '../../../i18n/zh.cmdb';
import { Link } from 'react-router';
import { Alert, Card, Empty, Flex, List, Table, Tag, Typography } from 'antd';
import { MinusCircleOutlined, PlusCircleOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { BaselineDiff, CiChange, CiSnapshot, SnapshotRelation } from '../../../api/types';
import { CriticalTag, EnvironmentTag, relationLabel } from '../CiTags';
import { FieldDiff } from '../FieldDiff';
import { useCiTypes } from '../useCiTypes';

/** CM-3: what differs, CI by CI: added, removed, and changed fields and relations. */
export function BaselineDiffView({ diff }: { diff: BaselineDiff }) {
  const { t } = useTranslation();
  const nothing = diff.added.length + diff.removed.length + diff.changed.length === 0;
  return (
    <Flex vertical gap={16} data-testid="baseline-diff">
      <Flex gap={8} wrap>
        <Tag color="green">{t('baselines.diff.addedN', { n: diff.added.length })}</Tag>
        <Tag color="red">{t('baselines.diff.removedN', { n: diff.removed.length })}</Tag>
        <Tag color="blue">{t('baselines.diff.changedN', { n: diff.changed.length })}</Tag>
        <Tag>{t('baselines.diff.unchangedN', { n: diff.unchanged })}</Tag>
      </Flex>
      {nothing && <Alert type="success" showIcon title={t('baselines.diff.same')} />}
      {diff.changed.length > 0 && (
        <section>
          <Typography.Title level={5}>{t('baselines.diff.changed')}</Typography.Title>
          <Flex vertical gap={12}>
            {diff.changed.map((c) => (
              <ChangedCi key={c.ciId} change={c} />
            ))}
          </Flex>
        </section>
      )}
      {diff.added.length > 0 && (
        <section>
          <Typography.Title level={5}>{t('baselines.diff.added')}</Typography.Title>
          <SnapshotTable items={diff.added} testId="diff-added" />
        </section>
      )}
      {diff.removed.length > 0 && (
        <section>
          <Typography.Title level={5}>{t('baselines.diff.removed')}</Typography.Title>
          <SnapshotTable items={diff.removed} testId="diff-removed" />
        </section>
      )}
    </Flex>
  );
}

function ChangedCi({ change }: { change: CiChange }) {
  const { t } = useTranslation();
  const types = useCiTypes();
  const relation = (r: SnapshotRelation) => (
    <span>
      {relationLabel(t, r.type)} <Link to={`/cmdb/cis/${r.targetId}`}>{r.targetName}</Link>
    </span>
  );
  return (
    <Card
      size="small"
      data-testid="diff-changed-ci"
      title={
        <Flex gap={8} align="center">
          <Link to={`/cmdb/cis/${change.ciId}`}>{change.name}</Link>
          <Typography.Text type="secondary" style={{ fontWeight: 400 }}>
            {types.typeName(change.type)}
          </Typography.Text>
        </Flex>
      }
    >
      {change.fields.length > 0 && <FieldDiff typeKey={change.type} changes={change.fields} />}
      {(change.relationsAdded.length > 0 || change.relationsRemoved.length > 0) && (
        <List
          size="small"
          style={{ marginTop: change.fields.length > 0 ? 12 : 0 }}
          header={<Typography.Text strong>{t('baselines.diff.relations')}</Typography.Text>}
          dataSource={[
            ...change.relationsAdded.map((r) => ({ r, added: true })),
            ...change.relationsRemoved.map((r) => ({ r, added: false })),
          ]}
          renderItem={({ r, added }) => (
            <List.Item>
              <Flex gap={8} align="center">
                {added ? (
                  <Tag color="green" icon={<PlusCircleOutlined />}>
                    {t('baselines.diff.relationAdded')}
                  </Tag>
                ) : (
                  <Tag color="red" icon={<MinusCircleOutlined />}>
                    {t('baselines.diff.relationRemoved')}
                  </Tag>
                )}
                {relation(r)}
              </Flex>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

/** CIs as a baseline holds them. */
export function SnapshotTable({ items, testId }: { items: CiSnapshot[]; testId?: string }) {
  const { t, i18n } = useTranslation();
  const types = useCiTypes();
  const collator = new Intl.Collator(i18n.language === 'en' ? 'en' : 'zh-CN', { numeric: true });
  if (items.length === 0) return <Empty />;
  return (
    <Table<CiSnapshot>
      rowKey="ciId"
      size="middle"
      dataSource={items}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      scroll={{ x: 900 }}
      data-testid={testId}
      columns={[
        {
          title: t('cmdb.fields.name'),
          dataIndex: 'name',
          sorter: (a, b) => collator.compare(a.name, b.name),
          render: (name: string, s) => (
            <Flex gap={6} align="center">
              <Link to={`/cmdb/cis/${s.ciId}`}>{name}</Link>
              <CriticalTag critical={s.critical} />
            </Flex>
          ),
        },
        {
          title: t('cmdb.fields.type'),
          dataIndex: 'type',
          width: 120,
          render: (ty: string) => types.typeName(ty),
        },
        {
          title: t('cmdb.fields.environment'),
          dataIndex: 'environment',
          width: 100,
          render: (e: string) => <EnvironmentTag environment={e} />,
        },
        {
          title: t('cmdb.fields.version'),
          dataIndex: 'version',
          width: 130,
          render: (v: string | null) => (v ? <span className="rg-mono">{v}</span> : '—'),
        },
        {
          title: t('cmdb.fields.owner'),
          dataIndex: 'owner',
          width: 120,
          render: (v: string | null) => v ?? '—',
        },
        {
          title: t('baselines.relations'),
          key: 'relations',
          render: (_, s) =>
            s.relations.length === 0 ? (
              '—'
            ) : (
              <Flex vertical>
                {s.relations.map((r) => (
                  <span key={`${r.type}-${r.targetId}`}>
                    {relationLabel(t, r.type)} {r.targetName}
                  </span>
                ))}
              </Flex>
            ),
        },
      ]}
    />
  );
}
