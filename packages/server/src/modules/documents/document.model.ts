/**
 * PL-4, CL-2: a small document model both renderers (DOCX and PDF) draw from, so 《发布计划》 and
 * 《发布变更报告》 read the same in either format. Builders fill it; renderers never know which
 * document they draw.
 */
export type DocLang = 'zh' | 'en';

export interface Column {
  title: string;
  /** Relative width; the renderers share the page width out in proportion. */
  width: number;
}

export type Block =
  | { kind: 'heading'; level: 1 | 2; text: string }
  | { kind: 'paragraph'; text: string; muted?: boolean }
  /** Label–value pairs in a two-column grid (the document's header table, a summary). */
  | { kind: 'fields'; rows: [label: string, value: string][] }
  /** Rows of cells; a table without rows shows one row saying `empty` across the table. */
  | { kind: 'table'; columns: Column[]; rows: string[][] }
  | { kind: 'bullets'; items: string[] };

export interface DocModel {
  lang: DocLang;
  /** The document's name, e.g. 发布计划. */
  title: string;
  /** The line under the title, e.g. the release number and title. */
  subtitle: string;
  /** The running page header, e.g. XDYJ-06-01 发布管理制度 · REL-2026-0001. */
  header: string;
  /** What an empty paragraph, list or table says instead (无 / None): a section never disappears. */
  empty: string;
  /** 第 {page} 页 / 共 {pages} 页 — placeholders the renderers fill. */
  pageLabel: string;
  blocks: Block[];
}

/** Placeholders in `pageLabel`. */
export const PAGE = '{page}';
export const PAGES = '{pages}';

const blank = (s: string | null | undefined) => (s ?? '').trim().length === 0;

/** The text, or the document's word for nothing. */
export const orEmpty = (doc: Pick<DocModel, 'empty'>, s: string | null | undefined) =>
  blank(s) ? doc.empty : s!.trim();

/** A small builder that keeps the empty rules in one place for every document. */
export class DocBuilder {
  readonly blocks: Block[] = [];
  constructor(readonly doc: Pick<DocModel, 'empty'>) {}

  heading(text: string, level: 1 | 2 = 1) {
    this.blocks.push({ kind: 'heading', level, text });
    return this;
  }
  paragraph(text: string | null | undefined) {
    this.blocks.push(
      blank(text)
        ? { kind: 'paragraph', text: this.doc.empty, muted: true }
        : { kind: 'paragraph', text: text! },
    );
    return this;
  }
  /** A small grey line: a remark about the document, not its content. */
  note(text: string) {
    this.blocks.push({ kind: 'paragraph', text, muted: true });
    return this;
  }
  fields(rows: [string, string | null | undefined][]) {
    this.blocks.push({ kind: 'fields', rows: rows.map(([l, v]) => [l, orEmpty(this.doc, v)]) });
    return this;
  }
  table(columns: Column[], rows: string[][]) {
    this.blocks.push({ kind: 'table', columns, rows: rows.map((r) => columns.map((_, i) => r[i] ?? '')) });
    return this;
  }
  bullets(items: string[]) {
    const kept = items.filter((i) => !blank(i));
    if (kept.length === 0) return this.paragraph(null);
    this.blocks.push({ kind: 'bullets', items: kept });
    return this;
  }
}

/** `2026-02-01T14:00:00Z` → `2026-02-01 22:00` in China Standard Time (the department's clock). */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const local = new Date(t + 8 * 3600_000).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 16)}`;
}
