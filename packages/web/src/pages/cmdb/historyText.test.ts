import { describe, expect, it } from 'vitest';
import { enT, zhT } from '../../i18n/testing';
import { historyReasonText } from './historyText';

describe('the reasons of a CI history in the reader language (CM-4, X-3)', () => {
  it("X-3 CM-4 an import and a CMDB update read from their codes; a person's words and older entries as stored", () => {
    const imported = {
      reason: 'import of cmdb.xlsx',
      systemReason: { code: 'history_import_file', params: { file: 'cmdb.xlsx' } },
    } as const;
    expect(historyReasonText(zhT, imported)).toBe('从文件 cmdb.xlsx 导入');
    expect(historyReasonText(enT, imported)).toBe('import of cmdb.xlsx');
    const updated = {
      reason: 'REL-2026-0007 CMDB update (PO-2): 已核对',
      systemReason: {
        code: 'history_cmdb_update_note',
        params: { release: 'REL-2026-0007', note: '已核对' },
      },
    } as const;
    expect(historyReasonText(zhT, updated)).toBe('REL-2026-0007 发布后更新 CMDB（PO-2）：已核对');
    expect(
      historyReasonText(zhT, {
        reason: 'REL-2026-0008 CMDB update (PO-2)',
        systemReason: { code: 'history_cmdb_update', params: { release: 'REL-2026-0008' } },
      }),
    ).toBe('REL-2026-0008 发布后更新 CMDB（PO-2）');
    // No code: what was stored, never read back from its English.
    expect(historyReasonText(zhT, { reason: 'import of 交接清单', systemReason: null })).toBe(
      'import of 交接清单',
    );
    expect(historyReasonText(zhT, { reason: '更换硬盘', systemReason: null })).toBe('更换硬盘');
  });
});
