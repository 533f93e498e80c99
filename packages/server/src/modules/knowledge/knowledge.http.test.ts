import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { startTestApp, type HttpClient, type TestApp } from '../../test/test-app';
import { approvedChange, ci, signInRoles } from '../../test/releases';

describe.each(DIALECTS)('knowledge base (PO-4) on %s', (dialect) => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof signInRoles>>;
  beforeEach(async () => {
    t = await startTestApp(dialect);
    c = await signInRoles(t);
  });
  afterEach(async () => {
    await t.close();
  });

  /** A release targeting two CIs (one through its item), as a lesson's source. */
  async function release(title = '网银核心 2.1 发布') {
    const app = await ci(c.cfg, 'application', `网银核心-${title}`);
    const db = await ci(c.cfg, 'database', `核心数据库-${title}`);
    const change = await approvedChange(c, title, [app.id, db.id]);
    const r = await c.eng1.post('/api/releases', {
      title,
      changeIds: [change.id],
      urgency: 'normal',
      rollbackDifficulty: 'easy',
      newTechnology: false,
      targetCiIds: [app.id],
      items: [{ kind: 'document', title: '数据库变更说明', ciIds: [db.id] }],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return { release: r.body as { id: string; number: string }, app, db };
  }

  async function write(who: HttpClient, body: Record<string, unknown>) {
    const r = await who.post('/api/knowledge/articles', { kind: 'solution', ...body });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string; number: string; version: number };
  }

  const search = async (q: string, extra = '') =>
    (await c.eng1.get(`/api/knowledge/articles?q=${encodeURIComponent(q)}${extra}`)).body as {
      items: { number: string; titleHit: boolean; titleSegments: any[]; snippet: any[] }[];
      total: number;
    };

  it('PO-4 a lesson written from a release links the release and every CI it targets', async () => {
    const { release: r, app, db } = await release();
    const created = await c.eng1.post(`/api/releases/${r.id}/knowledge`, {
      title: '回滚演练的经验',
      body: '## 经过\n\n切换后**连接池**耗尽，执行回滚。',
      tags: ['回滚', '连接池', '回滚'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      number: expect.stringMatching(/^KB-\d{4}-0001$/),
      kind: 'lesson',
      state: 'draft',
      version: 1,
      tags: ['回滚', '连接池'],
      authorName: 'eng1',
      releases: [{ id: r.id, number: r.number, title: '网银核心 2.1 发布' }],
    });
    expect(created.body.cis.map((x: any) => x.id).sort()).toEqual([app.id, db.id].sort());
    expect(created.body.cis.find((x: any) => x.id === db.id)).toMatchObject({ type: 'database' });

    const byRelease = await c.eng1.get(`/api/knowledge/articles?releaseId=${r.id}`);
    expect(byRelease.body.items.map((a: any) => a.id)).toEqual([created.body.id]);
    const byNumber = await c.eng1.get(`/api/knowledge/articles/${created.body.number}`);
    expect(byNumber.body.id).toBe(created.body.id);

    const events = await t.database.db.kysely
      .selectFrom('audit_events')
      .select(['action', 'details_json'])
      .where('entity_id', '=', created.body.id)
      .execute();
    expect(events).toEqual([
      { action: 'knowledge.article_create', details_json: JSON.stringify({ fromRelease: r.number }) },
    ]);
    const missing = await c.eng1.post('/api/releases/no-such-release/knowledge', { title: 'x', body: 'y' });
    expect(missing.status).toBe(404);
  });

  it('PO-4 search finds two-character Chinese words, longer phrases, English words and mixed queries', async () => {
    await write(c.eng1, {
      title: '数据库连接池耗尽的处理',
      body: '发布后 MySQL 连接池被占满。处理：先回滚应用，再调大 max_connections。',
      tags: ['DBA值班'],
    });
    await write(c.eng1, {
      title: 'Rollback playbook for the payment gateway',
      body: 'When the health check fails, roll back within 30 minutes (RB-2).',
    });
    await write(c.eng1, {
      title: '主从切换失败',
      body: '切换失败时回退到原主库。注意：回 滚 与回退不同。',
    });
    const numbers = async (q: string) => (await search(q)).items.map((a) => a.number).sort();
    const [pool, rollback, failover] = (await search('')).items.map((a) => a.number).sort();

    // A two-character word, inside a sentence without spaces; not matched across a space.
    expect(await numbers('回滚')).toEqual([pool]);
    // Longer phrases, and a phrase must be contiguous.
    expect(await numbers('数据库连接池')).toEqual([pool]);
    expect(await numbers('连接池耗尽')).toEqual([pool]);
    expect(await numbers('回退到原主库')).toEqual([failover]);
    expect(await numbers('连接回滚')).toEqual([]);
    // One character, and the last character of a word.
    expect(await numbers('库')).toEqual([pool, failover]);
    // English words, case-insensitive, as prefixes.
    expect(await numbers('rollback')).toEqual([rollback]);
    expect(await numbers('ROLL')).toEqual([rollback]);
    expect(await numbers('payment gateway')).toEqual([rollback]);
    expect(await numbers('max_connections')).toEqual([pool]);
    // Mixed Chinese and English; every part must match.
    expect(await numbers('MySQL连接池')).toEqual([pool]);
    expect(await numbers('MySQL 主从')).toEqual([]);
    // Tags are searched too; punctuation alone searches nothing (everything listed).
    expect(await numbers('dba值班')).toEqual([pool]);
    expect((await search('"*%_')).total).toBe(3);
  });

  it('PO-4 title hits rank first, with the matches marked in the title and the snippet', async () => {
    const body = await write(c.eng1, {
      title: '应用发布检查清单',
      body: `${'发布前逐项检查。'.repeat(20)}如果验证失败，立即回滚并通知业务部门。`,
    });
    const title = await write(c.eng1, { title: '回滚操作指南', body: '按计划的回退步骤执行。' });
    // The body-only hit is the newer one; the title hit still comes first.
    await c.eng1.patch(`/api/knowledge/articles/${body.id}`, { version: 1, tags: ['清单'] });
    const found = await search('回滚');
    expect(found.items.map((a) => a.number)).toEqual([title.number, body.number]);
    expect(found.items[0]).toMatchObject({
      titleHit: true,
      titleSegments: [
        { text: '回滚', hit: true },
        { text: '操作指南', hit: false },
      ],
    });
    const snippet = found.items[1].snippet;
    expect(found.items[1].titleHit).toBe(false);
    expect(snippet[0]).toEqual({ text: '…', hit: false });
    expect(snippet.filter((s: any) => s.hit)).toEqual([{ text: '回滚', hit: true }]);
    expect(snippet.map((s: any) => s.text).join('')).toContain('立即回滚并通知业务部门');
  });

  it('PO-4 filters by CI, release, kind, tag and state, with paging', async () => {
    const a = await release('账务系统发布');
    const b = await release('短信平台发布');
    const lessonA = (
      await c.eng1.post(`/api/releases/${a.release.id}/knowledge`, {
        title: '账务回滚',
        body: '回滚步骤',
        tags: ['账务'],
      })
    ).body;
    const lessonB = (
      await c.eng1.post(`/api/releases/${b.release.id}/knowledge`, { title: '短信回滚', body: '回滚步骤' })
    ).body;
    const howTo = await write(c.cfg, { title: '回滚前备份', body: '备份', kind: 'how_to', ciIds: [a.db.id] });
    const ids = async (query: string) =>
      ((await c.eng1.get(`/api/knowledge/articles?${query}`)).body.items as any[]).map((x) => x.id).sort();

    expect(await ids(`ciId=${a.db.id}`)).toEqual([lessonA.id, howTo.id].sort());
    expect(await ids(`ciId=${b.app.id}&q=回滚`)).toEqual([lessonB.id]);
    expect(await ids(`releaseId=${a.release.id}&q=回滚`)).toEqual([lessonA.id]);
    expect(await ids('kind=how_to')).toEqual([howTo.id]);
    expect(await ids(`tag=${encodeURIComponent('账务')}`)).toEqual([lessonA.id]);
    expect((await c.eng1.get('/api/knowledge/tags')).body.tags).toEqual([{ tag: '账务', count: 1 }]);

    expect((await c.eng1.post(`/api/knowledge/articles/${howTo.id}/publish`, { version: 1 })).status).toBe(
      200,
    );
    expect(await ids('state=published')).toEqual([howTo.id]);
    expect(await ids('state=draft')).toEqual([lessonA.id, lessonB.id].sort());

    const page1 = (await c.eng1.get('/api/knowledge/articles?q=回滚&limit=2')).body;
    const page2 = (await c.eng1.get(`/api/knowledge/articles?q=回滚&limit=2&cursor=${page1.nextCursor}`))
      .body;
    expect([page1.total, page2.total, page2.nextCursor]).toEqual([3, 3, null]);
    expect([...page1.items, ...page2.items].map((x: any) => x.id).sort()).toEqual(
      [lessonA.id, lessonB.id, howTo.id].sort(),
    );
  });

  it('PO-4 an edit keeps its history; a stale version and an archived article are refused', async () => {
    const { release: r } = await release();
    const article = (
      await c.eng1.post(`/api/releases/${r.id}/knowledge`, { title: '初稿', body: '第一版内容' })
    ).body;
    const edited = await c.eng2.patch(`/api/knowledge/articles/${article.id}`, {
      version: 1,
      title: '连接池耗尽后的回滚',
      body: '第二版内容：先回滚，再扩容。',
      tags: ['回滚'],
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body).toMatchObject({ version: 2, updatedBy: 'eng2', authorName: 'eng1' });
    expect((await search('扩容')).items.map((a) => a.number)).toEqual([article.number]);
    expect((await search('第一版')).items).toEqual([]);

    // Someone still holding version 1 cannot overwrite the newer text.
    const stale = await c.eng1.patch(`/api/knowledge/articles/${article.id}`, { version: 1, body: '旧的' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.details).toMatchObject({
      rule: 'optimistic locking',
      currentVersion: 2,
      fields: { version: [expect.stringContaining('version 2')] },
    });

    expect((await c.boss.post(`/api/knowledge/articles/${article.id}/publish`, { version: 2 })).status).toBe(
      200,
    );
    const archived = await c.boss.post(`/api/knowledge/articles/${article.id}/archive`, { version: 3 });
    expect(archived.body).toMatchObject({ state: 'archived', version: 4 });
    const readOnly = await c.eng1.patch(`/api/knowledge/articles/${article.id}`, { version: 4, body: '改' });
    expect(readOnly.status).toBe(409);
    expect(readOnly.body.error.details).toMatchObject({ rule: 'PO-4 article lifecycle', state: 'archived' });
    expect((await search('扩容')).items).toEqual([]);

    const history = (await c.eng1.get(`/api/knowledge/articles/${article.id}/history`)).body.history;
    expect(history.map((h: any) => `${h.version}:${h.action}:${h.actorName}`)).toEqual([
      '4:archived:boss',
      '3:published:boss',
      '2:edited:eng2',
      '1:created:eng1',
    ]);
    expect(history[2]).toMatchObject({
      before: { title: '初稿', body: '第一版内容', tags: [] },
      after: { title: '连接池耗尽后的回滚', body: '第二版内容：先回滚，再扩容。', tags: ['回滚'] },
    });
    expect(history[2].before).not.toHaveProperty('releaseIds');
    const audit = await t.database.db.kysely
      .selectFrom('audit_events')
      .select('action')
      .where('entity_id', '=', article.id)
      // The refusals (stale version, archived article) name the article too; these are its history.
      .where('outcome', '=', 'success')
      .orderBy('seq')
      .execute();
    expect(audit.map((e) => e.action)).toEqual([
      'knowledge.article_create',
      'knowledge.article_update',
      'knowledge.article_publish',
      'knowledge.article_archive',
    ]);
  });

  it('PO-4 a reader without knowledge.write is refused, naming the permission; readers see published articles only', async () => {
    const draft = await write(c.eng1, { title: '草稿：回滚', body: '未发布' });
    const published = await write(c.eng1, { title: '已发布：回滚', body: '已发布' });
    await c.eng1.post(`/api/knowledge/articles/${published.id}/publish`, { version: 1 });
    for (const reader of [c.aud, c.biz, c.cab1]) {
      const refused = await reader.post('/api/knowledge/articles', { title: 'x', body: 'y', kind: 'lesson' });
      expect(refused.status).toBe(403);
      expect(refused.body.error.details).toMatchObject({
        rule: 'X-4 permission',
        permission: 'knowledge.write',
      });
      expect(refused.body.error.message).toContain('knowledge.write');
      const edit = await reader.patch(`/api/knowledge/articles/${published.id}`, { version: 2, title: 'x' });
      expect(edit.status).toBe(403);
      const found = (await reader.get('/api/knowledge/articles?q=回滚')).body.items;
      expect(found.map((a: any) => a.id)).toEqual([published.id]);
      expect((await reader.get(`/api/knowledge/articles/${draft.id}`)).status).toBe(404);
      expect((await reader.get(`/api/knowledge/articles?state=draft`)).body.total).toBe(0);
    }
    const sysadmin = await t.seedUser('sys', ['system_administrator']);
    const outsider = new (c.eng1.constructor as new (url: string) => HttpClient)(t.url);
    await outsider.login(sysadmin.username);
    const noRead = await outsider.get('/api/knowledge/articles');
    expect(noRead.status).toBe(403);
    expect(noRead.body.error.details).toMatchObject({ rule: 'X-4 permission', permission: 'knowledge.read' });
    const denied = await t.database.db.kysely
      .selectFrom('audit_events')
      .select('action')
      .where('outcome', '=', 'denied')
      .where('action', '=', 'knowledge.article_create')
      .execute();
    expect(denied).toHaveLength(3);
  });

  it('PO-4 bad input names the field', async () => {
    const expectFields = async (reply: Promise<{ status: number; body: any }>, fields: string[]) => {
      const r = await reply;
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(Object.keys(r.body.error.details.fields).sort()).toEqual(fields.sort());
    };
    await expectFields(c.eng1.post('/api/knowledge/articles', { title: '  ', body: 'x', kind: 'lesson' }), [
      'title',
    ]);
    await expectFields(c.eng1.post('/api/knowledge/articles', { title: 't', body: 'x', kind: 'poem' }), [
      'kind',
    ]);
    await expectFields(
      c.eng1.post('/api/knowledge/articles', { title: 't', kind: 'lesson', tags: ['x'.repeat(41)] }),
      ['body', 'tags.0'],
    );
    await expectFields(
      c.eng1.post('/api/knowledge/articles', {
        title: 't',
        body: 'x',
        kind: 'lesson',
        releaseIds: ['no-such-release'],
        ciIds: ['no-such-ci'],
      }),
      ['releaseIds', 'ciIds'],
    );
    const article = await write(c.eng1, { title: 't', body: 'x' });
    await expectFields(c.eng1.patch(`/api/knowledge/articles/${article.id}`, { title: 'y' }), ['version']);
    await expectFields(c.eng1.get('/api/knowledge/articles?limit=1000') as any, ['limit']);
    const unknown = await c.eng1.patch(`/api/knowledge/articles/${article.id}`, {
      version: 1,
      ciIds: ['no-such-ci'],
    });
    expect(unknown.body.error.details.fields).toEqual({
      ciIds: ['configuration item no-such-ci does not exist or is retired'],
    });
  });
});
