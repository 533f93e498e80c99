import '../../i18n/zh.cmdb';
import { Link } from 'react-router';
import { Card, Col, Descriptions, Flex, Row, Tag, Typography } from 'antd';
import { CheckCircleFilled, CloseCircleFilled } from '@ant-design/icons';
import { useQueries } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { ChangeApproval, ReleaseDetail, ReleaseItem, ReleaseState } from '../../api/types';
import { formatDateTime } from '../../common/format';
import { reasonText } from '../../common/ruleText';
import { CriticalTag, EnvironmentTag } from '../cmdb/CiTags';
import { useCiTypes, useLocalized } from '../cmdb/useCiTypes';
import { ChangeStateTag } from '../changes/ChangeTags';
import { changeQueryKey, getChange } from '../changes/changes.api';
import { CiLinks, useCiLookup } from './CiLinks';
import { useReleaseReferences } from './ReleaseReferences';
import { PersonName, usePeople } from '../../common/people';
import { useAuth } from '../../auth/AuthContext';
import { ReleaseStateTag, ReleaseTypeTag } from './ReleaseTags';
import { usePhone } from '../../common/usePhone';
import { PhoneTable } from '../../common/PhoneTable';
import { useReleasePolicy } from './useReleasePolicy';

/** 概况: the request, its changes with their approval (PR-4), items, target CIs and the classification. */
export function OverviewTab({ release: r }: { release: ReleaseDetail }) {
  const { t } = useTranslation();
  const types = useCiTypes();
  const targets = useCiLookup(r.targetCiIds);
  const policy = useReleasePolicy(r);
  // PR-4: each change with the other releases that carry it.
  const changeDetails = useQueries({
    queries: r.changes
      .filter((c) => c.state !== 'unknown')
      .map((c) => ({ queryKey: changeQueryKey(c.id), queryFn: () => getChange(c.id) })),
  });
  const releasesOf = (id: string) =>
    changeDetails.find((q) => q.data?.id === id)?.data?.releases.filter((x) => x.id !== r.id) ?? [];
  const references = useReleaseReferences();
  const nameOf = usePeople();
  const localized = useLocalized();
  const { can } = useAuth();
  // One column on a phone from the first render (a page the server drew too, issue #18).
  const narrow = usePhone();
  const dslLabel = (id: string) => {
    const v = references?.dslVersions.find((x) => x.id === id);
    return v ? `${v.name} ${v.version}` : id.slice(0, 8);
  };

  return (
    <Row gutter={16}>
      <Col xs={24} xl={14}>
        <Card title={t('releases.overview.basics')} size="small" style={{ marginBottom: 16 }}>
          <Descriptions
            size="small"
            column={narrow ? 1 : 2}
            data-testid="release-fields"
            items={[
              {
                key: 'requestedBy',
                label: t('releases.fields.requestedBy'),
                children: <PersonName username={r.requestedBy} />,
              },
              {
                key: 'createdAt',
                label: t('releases.fields.createdAt'),
                children: formatDateTime(r.createdAt),
              },
              {
                key: 'urgency',
                label: t('releases.fields.urgency'),
                children: t(`releases.urgencies.${r.urgency}`, { defaultValue: r.urgency }),
              },
              {
                key: 'rollback',
                label: t('releases.fields.rollbackDifficulty'),
                children: t(`releases.rollbackDifficulties.${r.rollbackDifficulty}`, {
                  defaultValue: r.rollbackDifficulty,
                }),
              },
              {
                key: 'newTechnology',
                label: t('releases.fields.newTechnology'),
                children: r.newTechnology ? t('common.yes') : t('common.no'),
              },
              {
                key: 'policy',
                label: t('releases.policyVersion'),
                children: policy.data ? (
                  <Link to="/policy">
                    {policy.data.document.number} {policy.data.document.version}
                  </Link>
                ) : (
                  '—'
                ),
              },
              ...(r.decidedBy
                ? [
                    {
                      key: 'decision',
                      label: t('releases.overview.decision'),
                      children: `${nameOf(r.decidedBy)} · ${formatDateTime(r.decidedAt)}`,
                    },
                    {
                      key: 'decisionReason',
                      label: t('releases.fields.decisionReason'),
                      children: r.decisionReason ?? '—',
                    },
                  ]
                : []),
              {
                key: 'description',
                label: t('releases.fields.description'),
                span: { xs: 1, md: 2 },
                children: r.description ? (
                  <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }}>
                    {r.description}
                  </Typography.Paragraph>
                ) : (
                  '—'
                ),
              },
            ]}
          />
        </Card>

        <Card title={t('releases.overview.changesTitle')} size="small" style={{ marginBottom: 16 }}>
          <PhoneTable<ChangeApproval>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={r.changes}
            data-testid="release-changes-table"
            columns={[
              {
                title: t('changes.fields.number'),
                dataIndex: 'number',
                width: 140,
                render: (number: string, c) =>
                  c.state === 'unknown' ? (
                    c.label
                  ) : (
                    <Link to={`/changes/${c.id}`} className="rg-mono">
                      {number}
                    </Link>
                  ),
              },
              { title: t('changes.fields.title'), dataIndex: 'title' },
              {
                title: t('releases.overview.approval'),
                key: 'approval',
                width: 170,
                render: (_, c) => (
                  <Flex gap={6} align="center">
                    {c.approved ? (
                      <CheckCircleFilled style={{ color: '#52c41a' }} />
                    ) : (
                      <CloseCircleFilled style={{ color: '#ff4d4f' }} />
                    )}
                    <ChangeStateTag state={c.state} />
                  </Flex>
                ),
              },
              {
                title: t('releases.overview.otherReleases'),
                key: 'releases',
                width: 200,
                render: (_, c) => {
                  const others = releasesOf(c.id);
                  return others.length === 0 ? (
                    <Typography.Text type="secondary">{t('common.none')}</Typography.Text>
                  ) : (
                    <Flex gap={4} wrap>
                      {others.map((o) => (
                        <Link key={o.id} to={`/releases/${o.id}`} className="rg-mono">
                          {o.number} <ReleaseStateTag state={o.state as ReleaseState} />
                        </Link>
                      ))}
                    </Flex>
                  );
                },
              },
            ]}
          />
        </Card>

        <Card title={t('releases.overview.itemsTitle')} size="small" style={{ marginBottom: 16 }}>
          <PhoneTable<ReleaseItem>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={r.items}
            locale={{ emptyText: t('releases.overview.noItems') }}
            data-testid="release-items-table"
            columns={[
              {
                title: t('releases.new.itemKind'),
                dataIndex: 'kind',
                width: 80,
                render: (kind: string) => (
                  <Tag>{t(`releases.itemKinds.${kind}`, { defaultValue: kind })}</Tag>
                ),
              },
              {
                title: t('releases.new.itemTitle'),
                dataIndex: 'title',
                render: (title: string, item) => (
                  <Flex vertical>
                    <span>{title}</span>
                    {item.dslVersionId &&
                      (can('dsl.read') ? (
                        <Link to={`/dsl/versions/${item.dslVersionId}`} className="rg-mono">
                          {dslLabel(item.dslVersionId)}
                        </Link>
                      ) : (
                        <span className="rg-mono">{dslLabel(item.dslVersionId)}</span>
                      ))}
                    {item.description && (
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {item.description}
                      </Typography.Text>
                    )}
                  </Flex>
                ),
              },
              {
                title: t('releases.overview.itemCis'),
                dataIndex: 'ciIds',
                width: 260,
                render: (ids: string[]) => <CiLinks ids={ids} />,
              },
            ]}
          />
        </Card>

        <Card title={t('releases.overview.targetsTitle')} size="small" style={{ marginBottom: 16 }}>
          <PhoneTable
            rowKey="id"
            size="small"
            pagination={false}
            loading={targets.loading}
            dataSource={r.targetCiIds.map((id) => targets.byId.get(id) ?? { id, name: id, missing: true })}
            locale={{ emptyText: t('releases.overview.noTargets') }}
            data-testid="release-targets-table"
            columns={[
              {
                title: t('cmdb.fields.name'),
                dataIndex: 'name',
                render: (name: string, ci) =>
                  can('cmdb.read') ? <Link to={`/cmdb/cis/${ci.id}`}>{name}</Link> : name,
              },
              {
                title: t('cmdb.fields.type'),
                key: 'type',
                width: 110,
                render: (_, ci) =>
                  'type' in ci ? (ci.typeName ? localized(ci.typeName) : types.typeName(ci.type)) : '—',
              },
              {
                title: t('cmdb.fields.environment'),
                key: 'environment',
                width: 90,
                render: (_, ci) =>
                  'environment' in ci ? <EnvironmentTag environment={ci.environment} /> : '—',
              },
              {
                title: t('cmdb.fields.version'),
                key: 'version',
                width: 100,
                render: (_, ci) =>
                  'version' in ci && ci.version ? <span className="rg-mono">{ci.version}</span> : '—',
              },
              {
                title: t('cmdb.fields.critical'),
                key: 'critical',
                width: 80,
                render: (_, ci) => ('critical' in ci && ci.critical ? <CriticalTag critical /> : '—'),
              },
            ]}
          />
        </Card>
      </Col>

      <Col xs={24} xl={10}>
        <Card title={t('releases.overview.classification')} size="small" style={{ marginBottom: 16 }}>
          <Descriptions
            size="small"
            column={1}
            data-testid="release-classification"
            items={[
              {
                key: 'chosen',
                label: t('releases.overview.chosenType'),
                children: r.type ? (
                  <ReleaseTypeTag type={r.type} />
                ) : (
                  <Typography.Text type="secondary">{t('releases.overview.notClassified')}</Typography.Text>
                ),
              },
              {
                key: 'proposal',
                label: t('releases.overview.proposal'),
                children: (
                  <Flex vertical gap={4}>
                    <span>
                      <ReleaseTypeTag type={r.proposal.type} />
                    </span>
                    <ul style={{ margin: 0, paddingInlineStart: 18 }} data-testid="release-proposal-reasons">
                      {r.proposal.criteria.map((criterion) => (
                        <li key={criterion.code}>{reasonText(t, criterion)}</li>
                      ))}
                    </ul>
                  </Flex>
                ),
              },
              ...(r.typeReason
                ? [{ key: 'override', label: t('releases.overview.overrideReason'), children: r.typeReason }]
                : []),
            ]}
          />
          <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '8px 0 0' }}>
            {t('releases.criteria')}
          </Typography.Paragraph>
        </Card>
      </Col>
    </Row>
  );
}
