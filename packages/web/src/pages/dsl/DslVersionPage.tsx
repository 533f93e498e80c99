import '../../i18n/zh.dsl';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import {
  Alert,
  Breadcrumb,
  Button,
  Card,
  Descriptions,
  Flex,
  Popconfirm,
  Progress,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import {
  CheckOutlined,
  CloseOutlined,
  DeleteOutlined,
  DownloadOutlined,
  LinkOutlined,
  StopOutlined,
  UploadOutlined,
} from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { saveBlob, type TransferProgress } from '../../api/client';
import type { DslState, DslVersion } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../common/ErrorAlert';
import { formatDateTime } from '../../common/format';
import { ReasonModal } from '../../common/ReasonModal';
import {
  approveVersion,
  contentUrl,
  deleteVersion,
  downloadContent,
  dslQueryKey,
  dslVersionQueryKey,
  formatSize,
  IN_PAGE_DOWNLOAD_LIMIT,
  rejectVersion,
  retireVersion,
  useDslVersion,
} from './dsl.api';
import { DslStateTag } from './DslStateTag';
import { UploadContentModal } from './UploadContentModal';
import { DetailQuery } from '../../common/DetailQuery';
import { PersonName } from '../../common/people';
import { usePhone } from '../../common/usePhone';
import { useFeedback } from '../../common/feedback';

const UPLOADABLE: readonly DslState[] = ['draft', 'pending', 'rejected'];
const DELETABLE: readonly DslState[] = ['draft', 'pending', 'rejected'];
const DOWNLOADABLE: readonly DslState[] = ['pending', 'approved', 'retired', 'rejected'];

type Dialog = 'upload' | 'approve' | 'reject' | 'retire' | null;

/** One DSL version: its full digest, its decision and retirement, and what may be done next. */
export function DslVersionPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const version = useDslVersion(id);
  return (
    <DetailQuery
      query={version}
      notFound={{ title: t('dsl.notFound'), backTo: '/dsl', backText: t('dsl.backToList') }}
    >
      {(data) => <DslVersionView version={data} />}
    </DetailQuery>
  );
}

function DslVersionView({ version: v }: { version: DslVersion }) {
  const { t } = useTranslation();
  const { can, session } = useAuth();
  const { message } = useFeedback();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [download, setDownload] = useState<TransferProgress | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: dslQueryKey });
  const ownVersion = v.createdBy === session.user.username;
  // On a phone (issue #17): the facts label above value, the actions full-width buttons.
  const phone = usePhone();
  const button = phone ? ({ block: true, size: 'large' } as const) : {};
  // The decision the page is opened for comes first.
  const decision = phone ? ({ ...button, style: { order: -1 } } as const) : {};
  const layout = phone ? ('vertical' as const) : undefined;
  const breakAll = phone ? { wordBreak: 'break-all' as const } : undefined;

  const remove = useMutation({
    mutationFn: () => deleteVersion(v.id),
    onMutate: () => setActionError(null),
    onSuccess: () => {
      void message.success(t('dsl.deleted', { name: v.name, version: v.version }));
      queryClient.removeQueries({ queryKey: dslVersionQueryKey(v.id) });
      void refresh();
      void navigate('/dsl');
    },
    onError: (error) => {
      setActionError(error);
      void refresh();
    },
  });

  const fetchContent = async () => {
    setActionError(null);
    setDownload({ loaded: 0, total: v.size });
    try {
      const { blob, filename } = await downloadContent(v.id, setDownload);
      saveBlob(blob, filename ?? v.filename ?? `${v.name}-${v.version}`);
    } catch (error) {
      setActionError(error);
    } finally {
      setDownload(null);
    }
  };

  const decide = (run: () => Promise<DslVersion>, done: string) => async () => {
    try {
      await run();
      void message.success(done);
    } finally {
      void refresh();
    }
  };

  const canUpload = can('dsl.upload') && v.kind === 'upload' && UPLOADABLE.includes(v.state);
  const canDecide = can('dsl.approve') && v.state === 'pending';
  const canRetire = can('dsl.approve') && v.state === 'approved';
  const canDelete = can('dsl.upload') && DELETABLE.includes(v.state);
  const canDownload = v.kind === 'upload' && v.digest !== null && DOWNLOADABLE.includes(v.state);
  const largeFile = (v.size ?? 0) > IN_PAGE_DOWNLOAD_LIMIT;

  return (
    <>
      <Breadcrumb
        style={{ marginBottom: 12 }}
        items={[{ title: <Link to="/dsl">{t('nav.dsl')}</Link> }, { title: `${v.name} ${v.version}` }]}
      />
      <Flex justify="space-between" align="flex-start" gap={16} wrap style={{ marginBottom: 16 }}>
        <div style={{ minWidth: 0, flex: '1 1 360px' }}>
          <Flex align="center" gap={8} wrap>
            <Typography.Title level={3} style={{ margin: 0 }} data-testid="dsl-title">
              {v.name}{' '}
              <span className="rg-mono" style={{ fontSize: 20 }}>
                {v.version}
              </span>
            </Typography.Title>
            <DslStateTag state={v.state} testId="dsl-state" />
            <Tag>{t(v.kind === 'upload' ? 'dsl.kindUpload' : 'dsl.kindExternal')}</Tag>
          </Flex>
          <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0' }}>
            {t(`dsl.stateHelp.${v.state}`)}
          </Typography.Paragraph>
        </div>
        <Flex gap={8} wrap vertical={phone} style={phone ? { width: '100%' } : undefined}>
          {canDownload &&
            (largeFile ? (
              <Button
                {...button}
                icon={<DownloadOutlined />}
                href={contentUrl(v.id)}
                download
                data-testid="dsl-download"
              >
                {t('dsl.download')}
              </Button>
            ) : (
              <Button
                {...button}
                icon={<DownloadOutlined />}
                loading={download !== null}
                onClick={() => void fetchContent()}
                data-testid="dsl-download"
              >
                {t('dsl.download')}
              </Button>
            ))}
          {v.kind === 'external' && v.externalUrl && (
            <Button
              {...button}
              icon={<LinkOutlined />}
              href={v.externalUrl}
              target="_blank"
              rel="noreferrer noopener"
            >
              {t('dsl.openExternal')}
            </Button>
          )}
          {canUpload && (
            <Button
              {...button}
              icon={<UploadOutlined />}
              onClick={() => setDialog('upload')}
              data-testid="dsl-upload"
            >
              {v.digest ? t('dsl.reupload') : t('dsl.upload')}
            </Button>
          )}
          {canDecide && (
            <>
              <Tooltip title={ownVersion ? t('rules.fourEyes') : undefined}>
                <Button
                  {...decision}
                  type="primary"
                  icon={<CheckOutlined />}
                  disabled={ownVersion}
                  onClick={() => setDialog('approve')}
                  data-testid="dsl-approve"
                >
                  {t('dsl.approve')}
                </Button>
              </Tooltip>
              <Button
                {...decision}
                danger
                icon={<CloseOutlined />}
                onClick={() => setDialog('reject')}
                data-testid="dsl-reject"
              >
                {t('dsl.reject')}
              </Button>
            </>
          )}
          {canRetire && (
            <Button
              {...button}
              danger
              icon={<StopOutlined />}
              onClick={() => setDialog('retire')}
              data-testid="dsl-retire"
            >
              {t('dsl.retire')}
            </Button>
          )}
          {canDelete && (
            <Popconfirm
              title={t('dsl.deleteConfirm', { name: v.name, version: v.version })}
              okText={t('dsl.delete')}
              cancelText={t('common.cancel')}
              okButtonProps={{ danger: true }}
              onConfirm={() => remove.mutate()}
            >
              <Button
                {...button}
                danger
                icon={<DeleteOutlined />}
                loading={remove.isPending}
                data-testid="dsl-delete"
              >
                {t('dsl.delete')}
              </Button>
            </Popconfirm>
          )}
        </Flex>
      </Flex>

      <ErrorAlert error={actionError} style={{ marginBottom: 16 }} />
      {download && (
        <Progress
          percent={download.total ? Math.floor((download.loaded / download.total) * 100) : 0}
          status="active"
          style={{ marginBottom: 16 }}
        />
      )}
      {v.state === 'approved' && (
        <Alert type="success" showIcon title={t('dsl.immutableNote')} style={{ marginBottom: 16 }} />
      )}

      <Card title={t('dsl.contentTitle')} style={{ marginBottom: 16 }}>
        <Descriptions
          size="small"
          column={{ xs: 1, lg: 2 }}
          layout={layout}
          data-testid="dsl-fields"
          items={[
            {
              key: 'digest',
              label: t('dsl.digestFull'),
              span: { xs: 1, lg: 2 },
              children: v.digest ? (
                <Typography.Text className="rg-mono" copyable style={breakAll} data-testid="dsl-digest">
                  {v.digest}
                </Typography.Text>
              ) : (
                <Typography.Text type="secondary">{t('dsl.noContent')}</Typography.Text>
              ),
            },
            {
              key: 'size',
              label: t('dsl.size'),
              children: v.size === null ? '—' : `${formatSize(v.size)}（${v.size.toLocaleString()} B）`,
            },
            { key: 'filename', label: t('dsl.filename'), children: v.filename ?? '—' },
            ...(v.kind === 'external'
              ? [
                  {
                    key: 'url',
                    label: t('dsl.externalUrl'),
                    span: { xs: 1, lg: 2 },
                    children: v.externalUrl ? (
                      <Typography.Link
                        href={v.externalUrl}
                        target="_blank"
                        rel="noreferrer noopener"
                        style={breakAll}
                      >
                        {v.externalUrl}
                      </Typography.Link>
                    ) : (
                      '—'
                    ),
                  },
                ]
              : []),
            { key: 'source', label: t('dsl.source'), children: v.source ?? '—' },
            { key: 'description', label: t('dsl.description'), children: v.description ?? '—' },
            {
              key: 'createdBy',
              label: t('dsl.registeredBy'),
              children: v.createdBy ? <PersonName username={v.createdBy} /> : '—',
            },
            { key: 'createdAt', label: t('dsl.registeredAt'), children: formatDateTime(v.createdAt) },
          ]}
        />
      </Card>

      <Card title={t('dsl.decisionTitle')} style={{ marginBottom: 16 }}>
        {v.decidedBy ? (
          <Descriptions
            size="small"
            column={{ xs: 1, lg: 2 }}
            layout={layout}
            data-testid="dsl-decision"
            items={[
              {
                key: 'decision',
                label: t('dsl.decision'),
                children: <DslStateTag state={v.state === 'retired' ? 'approved' : v.state} />,
              },
              {
                key: 'decidedBy',
                label: t('dsl.decidedBy'),
                children: <PersonName username={v.decidedBy} />,
              },
              { key: 'decidedAt', label: t('dsl.decidedAt'), children: formatDateTime(v.decidedAt) },
              { key: 'comment', label: t('dsl.comment'), children: v.decisionComment ?? '—' },
            ]}
          />
        ) : (
          <Typography.Text type="secondary">{t('dsl.noDecision')}</Typography.Text>
        )}
        {v.retiredAt && (
          <Descriptions
            size="small"
            column={{ xs: 1, lg: 2 }}
            layout={layout}
            title={t('dsl.retirementTitle')}
            style={{ marginTop: 16 }}
            items={[
              { key: 'retiredBy', label: t('dsl.retiredBy'), children: v.retiredBy ?? '—' },
              { key: 'retiredAt', label: t('dsl.retiredAt'), children: formatDateTime(v.retiredAt) },
              {
                key: 'reason',
                label: t('dsl.retireReason'),
                children: v.retireReason ?? '—',
                span: { xs: 1, lg: 2 },
              },
            ]}
          />
        )}
      </Card>

      {dialog === 'upload' && <UploadContentModal version={v} onClose={() => setDialog(null)} />}
      {dialog === 'approve' && (
        <ReasonModal
          title={t('dsl.approveTitle', { name: v.name, version: v.version })}
          warning={t('dsl.approveWarning')}
          okText={t('dsl.approve')}
          label={t('dsl.comment')}
          danger={false}
          required={false}
          onClose={() => setDialog(null)}
          onSubmit={(comment) =>
            decide(
              () => approveVersion(v.id, comment || null),
              t('dsl.approved', { name: v.name, version: v.version }),
            )()
          }
          testId="dsl-approve-modal"
        />
      )}
      {dialog === 'reject' && (
        <ReasonModal
          title={t('dsl.rejectTitle', { name: v.name, version: v.version })}
          okText={t('dsl.reject')}
          label={t('dsl.rejectReason')}
          onClose={() => setDialog(null)}
          onSubmit={(comment) =>
            decide(
              () => rejectVersion(v.id, comment),
              t('dsl.rejected', { name: v.name, version: v.version }),
            )()
          }
          testId="dsl-reject-modal"
        />
      )}
      {dialog === 'retire' && (
        <ReasonModal
          title={t('dsl.retireTitle', { name: v.name, version: v.version })}
          warning={t('dsl.retireWarning')}
          okText={t('dsl.retire')}
          label={t('dsl.retireReason')}
          onClose={() => setDialog(null)}
          onSubmit={(reason) =>
            decide(
              () => retireVersion(v.id, reason),
              t('dsl.retiredToast', { name: v.name, version: v.version }),
            )()
          }
          testId="dsl-retire-modal"
        />
      )}
    </>
  );
}
