import { describe, expect, it } from 'vitest';
import { indexTerms, matchExpression, parseQuery } from '../../db/fulltext';
import { highlight, markdownToPlain, snippet } from './knowledge.text';

describe('full-text terms (PO-4, docs/decisions/0008)', () => {
  it('PO-4 CJK runs become bigrams plus their last character; other runs lower-cased words', () => {
    expect(indexTerms('数据库连接池')).toBe('数据 据库 库连 连接 接池 池');
    expect(indexTerms('MySQL8连接池 Rollback！回')).toBe('mysql8 连接 接池 池 rollback 回');
    // Full-width letters and digits are the same as their ASCII forms.
    expect(indexTerms('ＡＢＣ１２')).toBe('abc12');
  });

  it('PO-4 a query is phrases of bigrams, single characters and words as prefixes', () => {
    expect(parseQuery('  ，。!  ')).toBeNull();
    const q = parseQuery('回滚 库 Pool 回滚')!;
    expect(q.parts).toEqual([
      { terms: ['回滚'], prefix: false, text: '回滚' },
      { terms: ['库'], prefix: true, text: '库' },
      { terms: ['pool'], prefix: true, text: 'pool' },
    ]);
    expect(matchExpression('sqlite', parseQuery('连接池 pool')!)).toBe('"连接 接池" AND "pool"*');
    expect(matchExpression('sqlite', parseQuery('回滚')!, true)).toBe('title_terms : ("回滚")');
    expect(matchExpression('postgres', parseQuery('连接池 pool')!)).toBe("('连接' <-> '接池') & 'pool':*");
    expect(matchExpression('postgres', parseQuery('连接池 pool')!, true)).toBe(
      "('连接':A <-> '接池':A) & 'pool':*A",
    );
    // Operators and quotes typed by the user are never passed through.
    expect(matchExpression('sqlite', parseQuery('a" OR "b* NEAR(')!)).toBe(
      '"a"* AND "or"* AND "b"* AND "near"*',
    );
  });

  it('PO-4 snippets: Markdown reduced to text, a window around the first match, matches marked', () => {
    expect(markdownToPlain('## 标题\n\n- **回滚** [方案](http://x) `cmd`\n\n```sh\nrm\n```')).toBe(
      '标题 回滚 方案 cmd rm',
    );
    expect(markdownToPlain('_调大_ max_connections <script>alert(1)</script><b>粗</b>')).toBe(
      '调大 max_connections 粗',
    );
    expect(markdownToPlain('连接池**耗尽**后`回滚`，| a | b |')).toBe('连接池耗尽后回滚， a b');
    const q = parseQuery('rollback 回滚');
    expect(highlight('Rollback 即回滚', q)).toEqual([
      { text: 'Rollback', hit: true },
      { text: ' 即', hit: false },
      { text: '回滚', hit: true },
    ]);
    const s = snippet(`${'前'.repeat(100)}回滚${'后'.repeat(300)}`, q, 60);
    expect(s[0]).toEqual({ text: '…', hit: false });
    expect(s.at(-1)).toEqual({ text: '…', hit: false });
    expect(s.map((x) => x.text).join('')).toHaveLength(62);
    expect(snippet('短文', q)).toEqual([{ text: '短文', hit: false }]);
  });
});
