import { Col, Collapse, Row, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ReleaseDetail } from '../../../api/types';
import { formatDateTime } from '../../../common/format';
import { CheckResultTag, EvidenceCell } from '../execution/VerificationTab';
import { localized } from '../execution/executionText';
import { AcceptanceCard } from './AcceptanceCard';
import { CmdbUpdateCard } from './CmdbUpdateCard';
import type { Verification } from './postrelease.api';
import { PostReleaseQuery } from './PostReleaseQuery';
import { ReviewCard } from './ReviewCard';
import { VerificationsCard } from './VerificationsCard';

/**
 * 发布后管理 (PO-1, PO-2): effect verification with evidence, the user acceptance sign-off, and
 * the CMDB update task with its deadline; every record kept below.
 */
export function PostReleaseTab({ release }: { release: ReleaseDetail }) {
  return (
    <PostReleaseQuery releaseId={release.id}>
      {(data) => (
        <Row gutter={[16, 16]} data-testid="postrelease-tab">
          <Col span={24}>
            <VerificationsCard releaseId={release.id} view={data} />
          </Col>
          <Col xs={24} xl={10}>
            <AcceptanceCard releaseId={release.id} view={data} />
          </Col>
          <Col xs={24} xl={14}>
            <CmdbUpdateCard release={release} task={data.cmdbUpdate} serverNow={data.now} />
          </Col>
          {release.type === 'emergency' && (
            <Col span={24}>
              <ReviewCard release={release} review={data.review} />
            </Col>
          )}
          {data.verifications.history.length > 0 && (
            <Col span={24}>
              <VerificationHistory releaseId={release.id} view={data.verifications} />
            </Col>
          )}
        </Row>
      )}
    </PostReleaseQuery>
  );
}

/** Every verification and sign-off recorded, newest first: a later record never erases one. */
function VerificationHistory({
  releaseId,
  view,
}: {
  releaseId: string;
  view: { items: { key: string; label: { zh: string; en: string } }[]; history: Verification[] };
}) {
  const { t, i18n } = useTranslation();
  const c = 'execution.checks';
  const label = (key: string) => {
    const item = view.items.find((i) => i.key === key);
    return item ? localized(item.label, i18n.language) : key;
  };
  return (
    <Collapse
      size="small"
      items={[
        {
          key: 'history',
          label: t(`${c}.history`, { count: view.history.length }),
          children: (
            <Table<Verification>
              rowKey="seq"
              size="small"
              pagination={false}
              dataSource={[...view.history].reverse()}
              data-testid="verifications-history"
              columns={[
                { key: 'at', title: t(`${c}.at`), width: 170, render: (_, r) => formatDateTime(r.at) },
                { key: 'item', title: t(`${c}.item`), width: 140, render: (_, r) => label(r.itemKey) },
                {
                  key: 'result',
                  title: t(`${c}.result`),
                  width: 110,
                  render: (_, r) => <CheckResultTag result={r.result} />,
                },
                {
                  key: 'evidence',
                  title: t(`${c}.evidence`),
                  render: (_, r) => <EvidenceCell result={r} releaseId={releaseId} />,
                },
                {
                  key: 'actor',
                  title: t(`${c}.actor`),
                  width: 160,
                  render: (_, r) => (r.department ? `${r.actorName} · ${r.department}` : r.actorName),
                },
              ]}
            />
          ),
        },
      ]}
    />
  );
}
