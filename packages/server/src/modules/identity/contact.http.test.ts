import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { HttpClient, auditEvents, startTestApp, type TestApp } from '../../test/test-app';

async function xlsx(rows: string[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('contacts').addRows(rows);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const EMPTY = {
  mobilePhone: null,
  dingtalkUserId: null,
  wecomUserId: null,
  feishuUserId: null,
  confirmedBy: null,
  confirmedAt: null,
};

describe.each(DIALECTS)('account binding: phone and chat identities (X-2) on %s', (dialect) => {
  let t: TestApp;
  let admin: HttpClient;
  let mgr: HttpClient;
  let mgrId: string;
  beforeEach(async () => {
    t = await startTestApp(dialect);
    await t.seedUser('sec', ['security_administrator']);
    mgrId = (await t.seedUser('wang', ['operations_manager'])).id;
    await t.seedUser('li', ['cab_member']);
    admin = new HttpClient(t.url);
    mgr = new HttpClient(t.url);
    expect((await admin.login('sec')).status).toBe(200);
    expect((await mgr.login('wang')).status).toBe(200);
  });
  afterEach(async () => {
    await t.close();
  });
  const audit = (action: string) => auditEvents(t, action);

  it('X-2 RB-2 a user keeps their own mobile number and DingTalk, WeCom and Feishu ids on their account; a field left out stays, an empty one clears; audited', async () => {
    expect((await mgr.get('/api/account/contact')).body).toEqual(EMPTY);
    const set = await mgr.request('PUT', '/api/account/contact', {
      mobilePhone: '13800001111',
      dingtalkUserId: 'manager4220',
      wecomUserId: 'WangJingLi',
      feishuUserId: 'ou_7d8a6e6df7621556ce0d21922b676706',
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const again = await mgr.request('PUT', '/api/account/contact', {
      mobilePhone: '+8613800001111',
      wecomUserId: '',
    });
    // Bound by the user alone: not confirmed (a chat card does not act as them yet).
    expect(again.body).toEqual({
      mobilePhone: '+8613800001111',
      dingtalkUserId: 'manager4220',
      wecomUserId: null,
      feishuUserId: 'ou_7d8a6e6df7621556ce0d21922b676706',
      confirmedBy: null,
      confirmedAt: null,
    });
    expect((await mgr.get('/api/account/contact')).body).toEqual(again.body);
    const events = await audit('user.contact_update');
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ entity_type: 'user', entity_id: mgrId, outcome: 'success' });
  });

  it('X-2 X-4 a phone that is neither a Chinese mobile nor E.164, an id too long or with odd characters, and a NUL byte are refused with a coded 400 naming the field; nothing changes', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ mobilePhone: '12345' }, 'mobilePhone', 'mobile_phone'],
      [{ mobilePhone: '23800001111' }, 'mobilePhone', 'mobile_phone'],
      [{ mobilePhone: '138 0000 111' }, 'mobilePhone', 'mobile_phone'],
      [{ dingtalkUserId: 'x'.repeat(65) }, 'dingtalkUserId', 'text_max'],
      [{ wecomUserId: 'wang jl' }, 'wecomUserId', 'chat_id_characters'],
      [{ feishuUserId: 'ou_\u0000x' }, 'feishuUserId', 'nul_character'],
    ];
    for (const [body, field, code] of cases) {
      const r = await mgr.request('PUT', '/api/account/contact', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('invalid_input');
      expect(JSON.stringify(r.body.error.details), JSON.stringify(body)).toContain(field);
      expect(JSON.stringify(r.body.error), JSON.stringify(body)).toContain(code);
    }
    expect((await mgr.get('/api/account/contact')).body).toEqual(EMPTY);
  });

  it('X-2 a phone written with spaces, hyphens, brackets or full-width digits is kept as digits', async () => {
    for (const [typed, kept] of [
      ['+86 138 0000 1111', '+8613800001111'],
      ['138-0000-1111', '13800001111'],
      ['(+86) 139.0000.2222', '+8613900002222'],
      ['１３８０００１１１１２', '13800011112'],
    ]) {
      const r = await mgr.request('PUT', '/api/account/contact', { mobilePhone: typed });
      expect(r.status, typed).toBe(200);
      expect(r.body.mobilePhone).toBe(kept);
    }
  });

  it("X-2 the security administrator sets anyone's binding; others may not (403, audited refusal)", async () => {
    const r = await admin.request('PUT', `/api/users/${mgrId}/contact`, { mobilePhone: '13900002222' });
    expect(r.status).toBe(200);
    expect((await admin.get(`/api/users/${mgrId}/contact`)).body).toMatchObject({
      mobilePhone: '13900002222',
    });
    const refused = await mgr.request('PUT', `/api/users/${mgrId}/contact`, { mobilePhone: '13900003333' });
    expect(refused.status).toBe(403);
    expect((await admin.get(`/api/users/${mgrId}/contact`)).body).toMatchObject({
      mobilePhone: '13900002222',
    });
    expect((await admin.get(`/api/users/nobody/contact`)).status).toBe(404);
  });

  it('X-2 the mapping imports from CSV and XLSX; a file with any bad row changes nothing and its report names each row and column; audited once per file', async () => {
    const csv = [
      'username,phone,dingtalk,wecom,feishu',
      'wang,13800001111,manager4220,WangJingLi,ou_wang',
      'nobody,13800002222,,,',
      'li,12345,,li wei,',
      'wang,,,,',
    ].join('\n');
    const bad = await admin.upload('POST', '/api/users/contacts/import?format=csv', csv, 'contacts.csv');
    expect(bad.status, JSON.stringify(bad.body)).toBe(200);
    expect(bad.body.applied).toBe(false);
    expect(bad.body.errors.map((e: any) => [e.row, e.column, e.problem.code])).toEqual([
      [3, 'username', 'unknown_username'],
      [4, 'phone', 'mobile_phone'],
      [4, 'wecom', 'chat_id_characters'],
      [5, 'username', 'username_repeated'],
    ]);
    expect((await admin.get(`/api/users/${mgrId}/contact`)).body).toEqual(EMPTY);

    const good = await admin.upload(
      'POST',
      '/api/users/contacts/import?format=csv',
      'username,phone,feishu\nwang,13800001111,ou_wang\nli,+8613900002222,\n',
      'contacts.csv',
    );
    expect(good.body).toMatchObject({ applied: true, rows: 2, updated: 2, errors: [] });
    // Imported by the security administrator: confirmed by them.
    expect((await admin.get(`/api/users/${mgrId}/contact`)).body).toEqual({
      ...EMPTY,
      mobilePhone: '13800001111',
      feishuUserId: 'ou_wang',
      confirmedBy: 'sec',
      confirmedAt: expect.any(String),
    });

    const book = await xlsx([
      ['username', 'dingtalk', 'wecom'],
      ['wang', 'manager4220', 'WangJingLi'],
    ]);
    const dry = await admin.upload(
      'POST',
      '/api/users/contacts/import?format=xlsx&dryRun=true',
      book,
      'contacts.xlsx',
    );
    expect(dry.body).toMatchObject({ dryRun: true, applied: false, errors: [] });
    const applied = await admin.upload(
      'POST',
      '/api/users/contacts/import?format=xlsx',
      book,
      'contacts.xlsx',
    );
    expect(applied.body).toMatchObject({ applied: true, updated: 1 });
    // Columns the file lacks stay as they were.
    expect((await admin.get(`/api/users/${mgrId}/contact`)).body).toEqual({
      mobilePhone: '13800001111',
      dingtalkUserId: 'manager4220',
      wecomUserId: 'WangJingLi',
      feishuUserId: 'ou_wang',
      confirmedBy: 'sec',
      confirmedAt: expect.any(String),
    });
    const events = await audit('user.contact_import');
    expect(events).toHaveLength(2);
    expect(JSON.parse(events[1].details_json!)).toMatchObject({
      fileName: 'contacts.xlsx',
      format: 'xlsx',
      updated: 1,
    });

    const columns = await admin.upload(
      'POST',
      '/api/users/contacts/import?format=csv',
      'user,phone\nwang,13800001111\n',
      'c.csv',
    );
    expect(columns.body.errors).toMatchObject([{ row: 1, problem: { code: 'contact_columns' } }]);
    const forbidden = await mgr.upload('POST', '/api/users/contacts/import?format=csv', csv, 'contacts.csv');
    expect(forbidden.status).toBe(403);
  });
});
