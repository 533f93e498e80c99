import '../../i18n/zh.knowledge';
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { KnowledgeKind, KnowledgeState, Segment } from './knowledge.api';
import './knowledge.css';

const KIND_COLORS: Record<KnowledgeKind, string> = {
  lesson: 'geekblue',
  solution: 'green',
  how_to: 'cyan',
  known_issue: 'orange',
};

const STATE_COLORS: Record<KnowledgeState, string> = {
  draft: 'default',
  published: 'success',
  archived: 'warning',
};

/** 经验教训 · 解决方案 · 操作指南 · 已知问题. */
export function KindTag({ kind }: { kind: KnowledgeKind }) {
  const { t } = useTranslation();
  return (
    <Tag color={KIND_COLORS[kind]} bordered={false} style={{ marginInlineEnd: 0 }}>
      {t(`knowledge.kinds.${kind}`)}
    </Tag>
  );
}

/** 草稿 · 已发布 · 已归档. */
export function KnowledgeStateTag({ state, testId }: { state: KnowledgeState; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATE_COLORS[state]} style={{ marginInlineEnd: 0 }} data-testid={testId}>
      {t(`knowledge.states.${state}`)}
    </Tag>
  );
}

/** Text with the server's matched segments marked (as text: never HTML). */
export function Highlighted({ segments }: { segments: readonly Segment[] }) {
  return (
    <>
      {segments.map((s, i) =>
        s.hit ? (
          <mark key={i} className="rg-kb-hit">
            {s.text}
          </mark>
        ) : (
          <span key={i}>{s.text}</span>
        ),
      )}
    </>
  );
}
