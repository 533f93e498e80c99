import type { Dialect } from './database';

/**
 * Full-text search that works for Chinese on both databases (docs/decisions/0008).
 *
 * Chinese, Japanese and Korean are written without spaces, so a word tokenizer sees a whole
 * sentence as one "word" and finds nothing inside it. We therefore index our own terms, the same
 * way on SQLite (FTS5, unicode61 tokenizer) and PostgreSQL (tsvector, 'simple' configuration):
 *
 * - a run of CJK characters becomes its overlapping character pairs (bigrams) plus its last
 *   character alone: 数据库连接池 → 数据 据库 库连 连接 接池 池;
 * - any other run of letters and digits becomes one lower-cased word: MySQL8 → mysql8.
 *
 * A query is cut the same way. A CJK run of two or more characters is a phrase of its bigrams
 * (adjacent positions, so 回滚方案 does not match 回滚 … 方案 far apart); a single CJK character
 * is a prefix of a term (each character starts a bigram or is a run's last character); a word
 * is a prefix, so "rollb" finds "rollback". All parts must match (AND).
 */

const CJK_CLASS = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}';
/** A CJK run, or a run of other letters, marks and digits. */
const RUNS = new RegExp(`([${CJK_CLASS}]+)|((?:(?![${CJK_CLASS}])[\\p{L}\\p{M}\\p{N}])+)`, 'gu');

/** Longest word kept (longer ones are cut: both databases limit the length of a term). */
const MAX_WORD = 60;
/** Parts of a query beyond this many are ignored (a query is a few words, not a document). */
const MAX_QUERY_PARTS = 12;

interface Run {
  cjk: boolean;
  text: string;
}

function runs(text: string): Run[] {
  const result: Run[] = [];
  for (const m of text.normalize('NFKC').toLowerCase().matchAll(RUNS)) {
    if (m[1]) result.push({ cjk: true, text: m[1] });
    else if (m[2]) result.push({ cjk: false, text: [...m[2]].slice(0, MAX_WORD).join('') });
  }
  return result;
}

function bigrams(chars: string[]): string[] {
  const pairs: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) pairs.push(chars[i] + chars[i + 1]);
  return pairs;
}

/** The terms to index for a text, space-separated, in order (positions matter for phrases). */
export function indexTerms(text: string): string {
  const terms: string[] = [];
  for (const run of runs(text)) {
    if (!run.cjk) {
      terms.push(run.text);
      continue;
    }
    const chars = [...run.text];
    terms.push(...bigrams(chars), chars[chars.length - 1]);
  }
  return terms.join(' ');
}

/** One part of a query: a phrase of terms that must be adjacent, the last one maybe a prefix. */
export interface QueryPart {
  terms: string[];
  prefix: boolean;
  /** The text as the user typed it (lower-cased), for highlighting. */
  text: string;
}

/** A parsed query; null when it has nothing to search for (only spaces or punctuation). */
export interface TextQuery {
  parts: QueryPart[];
}

export function parseQuery(query: string): TextQuery | null {
  const parts: QueryPart[] = [];
  const seen = new Set<string>();
  for (const run of runs(query)) {
    if (seen.has(run.text)) continue;
    seen.add(run.text);
    const chars = [...run.text];
    if (!run.cjk) parts.push({ terms: [run.text], prefix: true, text: run.text });
    else if (chars.length === 1) parts.push({ terms: [run.text], prefix: true, text: run.text });
    else parts.push({ terms: bigrams(chars), prefix: false, text: run.text });
    if (parts.length === MAX_QUERY_PARTS) break;
  }
  return parts.length > 0 ? { parts } : null;
}

/**
 * The query in the database's own syntax: an FTS5 MATCH expression for SQLite, a to_tsquery
 * expression for PostgreSQL. Terms hold only letters, marks and digits (see RUNS), so quoting
 * them is enough to keep operators out. With `titleOnly`, only the title column/weight matches.
 */
export function matchExpression(dialect: Dialect, query: TextQuery, titleOnly = false): string {
  if (dialect === 'sqlite') {
    const expr = query.parts.map((p) => `"${p.terms.join(' ')}"${p.prefix ? '*' : ''}`).join(' AND ');
    return titleOnly ? `title_terms : (${expr})` : expr;
  }
  const weight = titleOnly ? 'A' : '';
  return query.parts
    .map((p) => {
      const last = p.terms.length - 1;
      const terms = p.terms.map(
        (t, i) => `'${t}'${i === last && p.prefix ? `:*${weight}` : weight ? `:${weight}` : ''}`,
      );
      return terms.length > 1 ? `(${terms.join(' <-> ')})` : terms[0];
    })
    .join(' & ');
}
