import { RULES } from '@releasegate/messages';
import { refusal } from '@releasegate/domain';

/** Kinds of article (PO-4): a lesson from a release, a solution to a problem, a how-to, a known issue. */
export const KNOWLEDGE_KINDS = ['lesson', 'solution', 'how_to', 'known_issue'] as const;
export type KnowledgeKind = (typeof KNOWLEDGE_KINDS)[number];

export const KNOWLEDGE_STATES = ['draft', 'published', 'archived'] as const;

/** The columns the article list sorts by (besides a search's relevance). */
export const KNOWLEDGE_SORTS = ['updatedAt', 'title'] as const;
export type KnowledgeSort = (typeof KNOWLEDGE_SORTS)[number] | 'relevance';
export type KnowledgeState = (typeof KNOWLEDGE_STATES)[number];

/** The fields an author edits; the history keeps each one's before and after. */
export const EDITABLE_FIELDS = ['title', 'body', 'kind', 'tags', 'releaseIds', 'ciIds'] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];

export interface Article {
  id: string;
  number: string;
  title: string;
  /** Markdown. */
  body: string;
  kind: KnowledgeKind;
  state: KnowledgeState;
  /** Moves on every write; an edit names the version it started from (optimistic locking). */
  version: number;
  tags: string[];
  releaseIds: string[];
  ciIds: string[];
  authorId: string;
  authorName: string;
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
  archivedAt: string | null;
}

export type KnowledgeAction = 'edit' | 'publish' | 'archive';

/** Which states each action starts from: an archived article is kept as it was, read-only. */
const FROM: Record<KnowledgeAction, readonly KnowledgeState[]> = {
  edit: ['draft', 'published'],
  publish: ['draft'],
  archive: ['draft', 'published'],
};

export const KNOWLEDGE_LIFECYCLE_RULE = RULES.article_lifecycle;

export function assertKnowledgeAction(state: KnowledgeState, action: KnowledgeAction, label: string): void {
  if (!FROM[action].includes(state)) {
    throw refusal(
      'invalid_transition',
      'article_lifecycle',
      { code: 'article_state_only', params: { label, state, action, allowed: FROM[action] } },
      { state, action },
    );
  }
}

/** The fields an author wrote (what the history keeps of a new article). */
export function editableOf(a: Article): Partial<Article> {
  return Object.fromEntries(EDITABLE_FIELDS.map((f) => [f, a[f]]));
}

/** The fields that differ, each with its value before and after (what the history keeps). */
export function changedFields(
  before: Article,
  after: Article,
): { before: Partial<Article>; after: Partial<Article> } | null {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const field of EDITABLE_FIELDS) {
    if (JSON.stringify(before[field]) !== JSON.stringify(after[field])) {
      b[field] = before[field];
      a[field] = after[field];
    }
  }
  return Object.keys(a).length > 0 ? { before: b, after: a } : null;
}
