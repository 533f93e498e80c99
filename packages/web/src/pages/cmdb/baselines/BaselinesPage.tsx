import '../../../i18n/zh.cmdb';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Button, Card, Table, Tag, Typography } from 'antd';
import { CameraOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Baseline } from '../../../api/types';
import { useAuth } from '../../../auth/AuthContext';
import { ErrorAlert } from '../../../common/ErrorAlert';
import { formatDateTime } from '../../../common/format';
import { PageHeader } from '../../../common/PageHeader';
import { useBaselines } from '../cmdb.api';
import { TakeBaselineModal } from './TakeBaselineModal';
import { PersonName } from '../../../common/people';

/** 配置基线: the snapshots taken so far; take a new one. */
export function BaselinesPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const navigate = useNavigate();
  const [taking, setTaking] = useState(false);
  const baselines = useBaselines();

  return (
    <>
      <PageHeader
        title={t('baselines.title')}
        subtitle={t('baselines.subtitle')}
        extra={
          can('cmdb.write') ? (
            <Button
              type="primary"
              icon={<CameraOutlined />}
              onClick={() => setTaking(true)}
              data-testid="take-baseline"
            >
              {t('baselines.take')}
            </Button>
          ) : (
            <Tag>{t('cmdb.readOnly')}</Tag>
          )
        }
      />
      <Card>
        <ErrorAlert error={baselines.error} style={{ marginBottom: 16 }} />
        <Table<Baseline>
          rowKey="id"
          loading={baselines.isFetching}
          dataSource={baselines.data ?? []}
          pagination={{
            pageSize: 20,
            hideOnSinglePage: true,
            showTotal: (n) => t('common.total', { count: n }),
          }}
          locale={{ emptyText: t('baselines.empty') }}
          scroll={{ x: 900 }}
          data-testid="baseline-table"
          columns={[
            {
              title: t('baselines.name'),
              dataIndex: 'name',
              render: (name: string, b) => <Link to={`/cmdb/baselines/${b.id}`}>{name}</Link>,
            },
            {
              title: t('baselines.description'),
              dataIndex: 'description',
              render: (d: string | null) => d ?? <Typography.Text type="secondary">—</Typography.Text>,
            },
            {
              title: t('baselines.ciCount'),
              dataIndex: 'ciCount',
              width: 110,
              sorter: (a, b) => a.ciCount - b.ciCount,
            },
            {
              title: t('baselines.takenBy'),
              dataIndex: 'takenBy',
              width: 140,
              render: (v: string | null) => (v ? <PersonName username={v} /> : '—'),
            },
            {
              title: t('baselines.takenAt'),
              dataIndex: 'takenAt',
              width: 180,
              render: formatDateTime,
              sorter: (a, b) => a.takenAt.localeCompare(b.takenAt),
              defaultSortOrder: 'descend',
            },
          ]}
        />
      </Card>
      {taking && (
        <TakeBaselineModal
          onClose={() => setTaking(false)}
          onTaken={(b) => {
            setTaking(false);
            void navigate(`/cmdb/baselines/${b.id}`);
          }}
        />
      )}
    </>
  );
}
