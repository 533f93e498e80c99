import '../../i18n/zh.cmdb';
import '../../i18n/zh.audit';
import { Link } from 'react-router';
import { Empty, Flex, Spin, Tag, Timeline, Typography } from 'antd';
import { useQueries } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { CiDetail, CiHistoryEntry } from '../../api/types';
import { ErrorAlert } from '../../common/ErrorAlert';
import { formatDateTime } from '../../common/format';
import { asRecord, changedFields, CI_FIELDS } from './ciFields';
import { relationLabel } from './CiTags';
import { ciQuery, useCiHistory } from './cmdb.api';
import { FieldDiff } from './FieldDiff';
import { usePeople } from '../../common/people';
import { historyReasonText } from './historyText';

const CHANGE_COLORS: Record<string, string> = {
  created: 'green',
  updated: 'blue',
  retired: 'gray',
  relation_added: 'cyan',
  relation_removed: 'orange',
};
const REASON_COLORS: Record<string, string> = { manual: 'blue', release: 'purple', import: 'cyan' };

/** The ids at the ends of the relations in the history, so removed ones can be named too. */
function relationEnds(entries: CiHistoryEntry[]): string[] {
  const ids = new Set<string>();
  for (const e of entries) {
    if (!e.change.startsWith('relation_')) continue;
    const r = asRecord(e.after ?? e.before);
    if (typeof r.sourceId === 'string' && typeof r.sourceName !== 'string') ids.add(r.sourceId);
    if (typeof r.targetId === 'string' && typeof r.targetName !== 'string') ids.add(r.targetId);
  }
  return [...ids];
}

/** CM-4: every change of the CI, newest first: who, when, what and why (by hand, release, import). */
export function HistoryTab({ ci }: { ci: CiDetail }) {
  const { t } = useTranslation();
  const nameOf = usePeople();
  const history = useCiHistory(ci.id);
  const entries = history.data ?? [];
  const ends = relationEnds(entries).filter((id) => id !== ci.id);
  const others = useQueries({
    queries: ends.map((id) => ciQuery(id, 60_000)),
  });
  const names = new Map<string, string>([[ci.id, ci.name]]);
  others.forEach((q, i) => {
    if (q.data) names.set(ends[i], q.data.name);
  });

  if (history.isPending) return <Spin style={{ display: 'block', padding: 48 }} />;
  if (history.error) return <ErrorAlert error={history.error} />;
  if (entries.length === 0) return <Empty description={t('cmdb.history.empty')} />;

  const relationText = (entry: CiHistoryEntry) => {
    const r = asRecord(entry.after ?? entry.before);
    const name = (id: unknown, given: unknown) =>
      typeof given === 'string' ? given : typeof id === 'string' ? (names.get(id) ?? id.slice(0, 8)) : '?';
    const end = (id: unknown, given: unknown) => {
      const label = name(id, given);
      return typeof id === 'string' && id !== ci.id ? (
        <Link to={`/cmdb/cis/${id}`}>{label}</Link>
      ) : (
        <b>{label}</b>
      );
    };
    return (
      <Typography.Text>
        {end(r.sourceId, r.sourceName)}{' '}
        <Tag style={{ marginInline: 4 }}>{relationLabel(t, String(r.type))}</Tag>{' '}
        {end(r.targetId, r.targetName)}
      </Typography.Text>
    );
  };

  const body = (entry: CiHistoryEntry) => {
    if (entry.change.startsWith('relation_')) return relationText(entry);
    const typeOf = (v: unknown) => {
      const type = asRecord(v).type;
      return typeof type === 'string' ? type : undefined;
    };
    const typeKey = typeOf(entry.after) ?? typeOf(entry.before) ?? ci.type;
    const changes =
      entry.change === 'created'
        ? changedFields({}, entry.after).filter((c) => c.field !== 'status')
        : changedFields(entry.before, entry.after);
    if (changes.length === 0) return null;
    const ordered = [...changes].sort(
      (a, b) => rank(a.field) - rank(b.field) || a.field.localeCompare(b.field),
    );
    return (
      <FieldDiff
        typeKey={typeKey}
        changes={ordered}
        valuesOnly={entry.change === 'created'}
        testId="history-diff"
      />
    );
  };

  return (
    <Timeline
      data-testid="ci-history"
      items={entries.map((entry) => ({
        key: entry.id,
        color: CHANGE_COLORS[entry.change] ?? 'gray',
        content: (
          <Flex vertical gap={8} style={{ paddingBottom: 8 }} data-testid="history-entry">
            <Flex gap={8} align="center" wrap>
              <Typography.Text type="secondary" className="rg-mono">
                {formatDateTime(entry.at)}
              </Typography.Text>
              <Typography.Text strong>
                {t(`cmdb.history.changes.${entry.change}`, { defaultValue: entry.change })}
              </Typography.Text>
              <Tag color={REASON_COLORS[entry.reasonKind]} style={{ marginInlineEnd: 0 }}>
                {t(`cmdb.history.reasonKinds.${entry.reasonKind}`, { defaultValue: entry.reasonKind })}
              </Tag>
              {entry.releaseId && (
                <Link to={`/releases/${entry.releaseId}`} className="rg-mono">
                  {t('cmdb.history.release', { id: entry.releaseNumber ?? entry.releaseId.slice(0, 8) })}
                </Link>
              )}
              <Typography.Text type="secondary">
                {t('cmdb.history.by', {
                  name: entry.actorName ? nameOf(entry.actorName) : t('audit.system'),
                })}
              </Typography.Text>
            </Flex>
            {(entry.systemReason || entry.reason) && (
              <Typography.Text>
                <Typography.Text type="secondary">{t('cmdb.history.reasonPrefix')}</Typography.Text>
                {historyReasonText(t, entry)}
              </Typography.Text>
            )}
            {body(entry)}
          </Flex>
        ),
      }))}
    />
  );
}

const rank = (field: string) => {
  const i = (CI_FIELDS as readonly string[]).indexOf(field);
  return i < 0 ? CI_FIELDS.length : i;
};
