import { Alert, Card, Flex, Table, Tag, Tooltip, Typography } from 'antd';
import { InboxOutlined, LoadingOutlined, LockOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../../common/ErrorAlert';
import { formatMinute } from '../../../common/format';
import { formatSize } from '../../dsl/dsl.api';
import { ActionBlockers } from '../execution/ActionBlockers';
import { useSubmit } from '../execution/useSubmit';
import { ActionButton } from '../ActionButton';
import { archiveRelease, getPostRelease, type ArchiveItem, type PostReleaseView } from './postrelease.api';
import { useFeedback } from '../../../common/feedback';

const KIND_COLORS: Record<string, string> = {
  plan: 'blue',
  report: 'gold',
  evidence: 'green',
  approvals: 'purple',
  checklists: 'cyan',
  rollback: 'volcano',
};

/**
 * PO-3 归档: the release's documents and evidence gathered with their SHA-256 digests; archived
 * again when something was added, and sealed by the close (nothing changes afterwards).
 */
export function ArchiveCard({ releaseId, view }: { releaseId: string; view: PostReleaseView }) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const { submit, failure, pending } = useSubmit();
  const { archive, archiveItems, sealing } = view;
  const sealed = Boolean(archive?.sealedAt);
  const a = 'postrelease.archive';

  const run = () =>
    submit(
      async () => {
        await archiveRelease(releaseId);
        return getPostRelease(releaseId);
      },
      (after) => void message.success(t(`${a}.done`, { count: after.archiveItems.length })),
    );

  return (
    <Card
      size="small"
      title={t(`${a}.title`)}
      data-testid="archive-card"
      extra={
        sealed ? (
          <Tag color="default" icon={<LockOutlined />} data-testid="archive-sealed">
            {t(`${a}.sealed`)}
          </Tag>
        ) : sealing?.state === 'pending' ? (
          // CL-2: closed; the report is being generated and the archive sealed by a job.
          <Tag color="processing" icon={<LoadingOutlined />} data-testid="archive-sealing">
            {t(`${a}.sealing`)}
          </Tag>
        ) : sealing ? null : (
          <ActionButton
            action="archive"
            type={archive ? 'default' : 'primary'}
            icon={<InboxOutlined />}
            loading={pending}
            onRun={() => void run()}
            data-testid="archive-run"
          >
            {archive ? t(`${a}.archiveAgain`) : t(`${a}.archive`)}
          </ActionButton>
        )
      }
    >
      <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
        {t(`${a}.help`)}
      </Typography.Paragraph>
      <ErrorAlert error={failure} style={{ marginBottom: 12 }} />
      {sealing?.state === 'failed' && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          message={t(`${a}.sealingFailed`, { attempts: sealing.attempts })}
          data-testid="archive-sealing-failed"
        />
      )}
      {!sealed && !sealing && <ActionBlockers action="archive" />}
      <Flex gap={8} wrap style={{ marginBottom: 8 }} data-testid="archive-status">
        {archive ? (
          <>
            <Typography.Text>
              {t(`${a}.archivedBy`, { by: archive.archivedBy, at: formatMinute(archive.archivedAt) })}
            </Typography.Text>
            <Typography.Text type="secondary">
              · {t(`${a}.files`, { count: archiveItems.length })}
            </Typography.Text>
            {archive.sealedAt && (
              <Typography.Text type="secondary">
                · {t(`${a}.sealedAt`, { at: formatMinute(archive.sealedAt) })}
              </Typography.Text>
            )}
          </>
        ) : (
          <Typography.Text type="secondary">{t(`${a}.notArchived`)}</Typography.Text>
        )}
      </Flex>
      {archiveItems.length > 0 && (
        <Table<ArchiveItem>
          rowKey="seq"
          size="small"
          pagination={false}
          dataSource={archiveItems}
          scroll={{ x: 'max-content' }}
          data-testid="archive-table"
          columns={[
            {
              key: 'kind',
              title: t(`${a}.kind`),
              width: 120,
              render: (_, item) => (
                <Tag color={KIND_COLORS[item.kind]} style={{ marginInlineEnd: 0 }}>
                  {t(`${a}.kinds.${item.kind}`, { defaultValue: item.kind })}
                </Tag>
              ),
            },
            {
              key: 'name',
              title: t(`${a}.name`),
              render: (_, item) => <Typography.Text>{item.name}</Typography.Text>,
            },
            {
              key: 'size',
              title: t(`${a}.size`),
              width: 100,
              align: 'right',
              render: (_, item) => formatSize(item.size),
            },
            {
              key: 'digest',
              title: t(`${a}.digest`),
              width: 170,
              render: (_, item) => (
                <Tooltip title={<span className="rg-mono">{item.digest}</span>}>
                  <Typography.Text
                    className="rg-mono"
                    style={{ fontSize: 12 }}
                    copyable={{ text: item.digest }}
                    data-testid="archive-digest"
                  >
                    {item.digest.slice(0, 12)}
                  </Typography.Text>
                </Tooltip>
              ),
            },
            {
              key: 'at',
              title: t(`${a}.addedAt`),
              width: 150,
              render: (_, item) => formatMinute(item.addedAt),
            },
          ]}
        />
      )}
    </Card>
  );
}
