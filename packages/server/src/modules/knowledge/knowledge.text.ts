import type { TextQuery } from '../../db/fulltext';

/** A piece of a title or snippet; `hit` pieces are what the query matched (shown highlighted). */
export interface TextSegment {
  text: string;
  hit: boolean;
}

/**
 * The readable text of a Markdown body, for the search index and for snippets: markup, link
 * targets and HTML tags dropped, whitespace collapsed.
 */
export function markdownToPlain(markdown: string): string {
  return (
    markdown
      .replace(/^\s*(```|~~~).*$/gm, ' ')
      .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<[^>]{1,200}>/g, ' ')
      .replace(/^\s{0,3}(#{1,6}|>+|[-*+]|\d+[.)])\s+/gm, '')
      .replace(/^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/gm, ' ')
      .replace(/\|/g, ' ')
      // Emphasis and code marks go without a trace (Chinese puts no spaces around words);
      // underscores only when not inside a name such as max_connections.
      .replace(/[*~`]+/g, '')
      .replace(/(?<![\p{L}\p{N}])_+|_+(?![\p{L}\p{N}])/gu, '')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function matcher(query: TextQuery | null): RegExp | null {
  if (!query) return null;
  // Longest first, so 数据库连接池 wins over 数据 at the same place.
  const texts = query.parts.map((p) => p.text).sort((a, b) => b.length - a.length);
  return new RegExp(texts.map(escapeRegExp).join('|'), 'giu');
}

/** The text cut into plain and matched segments (case-insensitive, as the search matches). */
export function highlight(text: string, query: TextQuery | null): TextSegment[] {
  const re = matcher(query);
  if (!re || !text) return text ? [{ text, hit: false }] : [];
  const segments: TextSegment[] = [];
  let at = 0;
  for (const m of text.matchAll(re)) {
    if (m.index > at) segments.push({ text: text.slice(at, m.index), hit: false });
    segments.push({ text: m[0], hit: true });
    at = m.index + m[0].length;
  }
  if (at < text.length) segments.push({ text: text.slice(at), hit: false });
  return segments;
}

/**
 * A window of about `length` characters of the text around its first match (its beginning when
 * nothing matches), with the matches marked and "…" where the text was cut.
 */
export function snippet(text: string, query: TextQuery | null, length = 160): TextSegment[] {
  const re = matcher(query);
  const first = re ? (re.exec(text)?.index ?? -1) : -1;
  const lead = Math.min(40, Math.floor(length / 4));
  // Never cut a character outside the Basic Multilingual Plane in half.
  const low = (i: number) => /[\uDC00-\uDFFF]/.test(text.charAt(i));
  let start = first > lead ? first - lead : 0;
  if (low(start)) start--;
  let end = Math.min(text.length, start + length);
  if (end < text.length && low(end)) end++;
  const segments = highlight(text.slice(start, end), query);
  if (start > 0) segments.unshift({ text: '…', hit: false });
  if (end < text.length) segments.push({ text: '…', hit: false });
  return segments;
}
