import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FontNotFoundError, resolveCjkFont, SYSTEM_FONTS } from './document.font';
import { inspectPdf } from './document.inspect';
import { renderPdf } from './document.pdf';
import { planDocument } from './plan.document';
import { completePlan } from '../../test/releases';

const noSystemFonts = { exists: () => false };

describe('the CJK font of PDF documents', () => {
  it('PL-4 without system fonts, the Noto Sans Hans of the npm package is used, and Chinese still renders and extracts', async () => {
    const font = resolveCjkFont(undefined, noSystemFonts);
    expect(font.source).toBe('npm @embedpdf/fonts-sc');
    expect(existsSync(font.regular.file)).toBe(true);
    const model = planDocument({
      release: { number: 'REL-2026-0099', title: '网银系统升级', type: 'normal', state: 'planning' },
      policy: { number: 'XDYJ-06-01', title: '发布管理制度', version: 'V1.0' },
      plan: {
        version: 1,
        status: 'draft',
        content: completePlan(['ci-1']),
        drafterName: '李工',
        createdAt: '2026-02-01T02:00:00Z',
        submittedAt: null,
        decidedBy: null,
        decidedAt: null,
        decisionComment: null,
      },
      cis: new Map(),
      baselineName: null,
    });
    const page = inspectPdf(await renderPdf(model, font), 'plan-bundled-font');
    expect(page.text).toContain('发布计划');
    expect(page.text).toContain('网银系统升级');
    expect(page.fonts).toContain('NotoSansHans');
    expect(page.inked).toBeGreaterThan(0.01);
  });

  it('PL-4 with no font anywhere, the error names what to install', () => {
    const find = () => resolveCjkFont(undefined, { ...noSystemFonts, packaged: () => undefined });
    expect(find).toThrow(FontNotFoundError);
    expect(find).toThrow(/fonts-noto-cjk.*PDF_FONT_PATH/s);
  });

  it('PL-4 PDF_FONT_PATH wins, must exist, and names the face of a collection', () => {
    expect(() => resolveCjkFont('/nonexistent/font.otf')).toThrow(
      /PDF_FONT_PATH names \/nonexistent\/font.otf/,
    );
    const collection = SYSTEM_FONTS.map((f) => f.regular).find(
      (f) => f.file.endsWith('.ttc') && existsSync(f.file),
    );
    if (collection) {
      expect(() => resolveCjkFont(collection.file)).toThrow(/name the face too/);
      expect(resolveCjkFont(`${collection.file}#${collection.face}`)).toMatchObject({
        source: 'PDF_FONT_PATH',
        regular: { file: collection.file, face: collection.face },
      });
    }
    const bundled = resolveCjkFont(undefined, noSystemFonts).regular.file;
    expect(resolveCjkFont(bundled)).toMatchObject({ source: 'PDF_FONT_PATH', regular: { file: bundled } });
  });

  it('PL-4 a system CJK font is preferred to the bundled one when present', () => {
    const first = SYSTEM_FONTS[0];
    const font = resolveCjkFont(undefined, {
      exists: (f) => f === first.regular.file || f === first.bold?.file,
    });
    expect(font).toMatchObject({ source: 'system', regular: first.regular, bold: first.bold });
  });
});
