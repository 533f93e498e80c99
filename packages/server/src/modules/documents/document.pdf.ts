import { readFileSync } from 'node:fs';
import type { Font } from 'fontkit';
import { PAGE, PAGES, type Block, type Column, type DocModel } from './document.model';
import type { CjkFont, FontFace } from './document.font';

/**
 * PL-4, CL-2: the PDF of a document, A4, with the CJK font embedded as a subset (pdfkit embeds
 * only the glyphs used, so a plan is tens of kilobytes, not the font's megabytes).
 */
const A4 = { width: 595.28, height: 841.89 };
const MARGIN = { top: 72, bottom: 64, left: 56, right: 56 };
const CONTENT_WIDTH = A4.width - MARGIN.left - MARGIN.right;
const INK = '#1f2329';
const MUTED = '#646a73';
const RULE = '#8f959e';
const SHADE = '#f2f3f5';
const ACCENT = '#1d4ed8';
const SIZE = { title: 20, subtitle: 11, h1: 14, h2: 12, body: 10.5, table: 9.5, header: 8.5 };
const PAD = 4;

type Doc = PDFKit.PDFDocument;

// A font is parsed once per process: parsing a CJK font's 30,000 glyph index takes seconds, and
// a parsed font is shared safely (each document makes its own subset of it).
const parsed = new Map<string, Font>();
async function fontOf(face: FontFace): Promise<Font> {
  // Imported before the cache is read: two first documents at once then parse the font once.
  const fontkit = await import('fontkit');
  const key = `${face.file}#${face.face ?? ''}`;
  let font = parsed.get(key);
  if (!font) {
    const opened = fontkit.create(readFileSync(face.file), face.face);
    if (!('layout' in opened)) throw new Error(`${face.file} is a font collection: name its face`);
    font = opened;
    parsed.set(key, font);
  }
  return font;
}

export async function renderPdf(model: DocModel, font: CjkFont): Promise<Buffer> {
  // pdfkit and fontkit are loaded on first use, not at the server's start (docs/performance.md).
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    bufferPages: true,
    autoFirstPage: true,
    lang: model.lang === 'zh' ? 'zh-CN' : 'en',
    displayTitle: true,
    info: { Title: `${model.title} ${model.subtitle}`, Subject: model.header, Creator: 'ReleaseGate' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  // pdfkit takes a parsed fontkit font as a source; its types only know paths and buffers.
  doc.registerFont('cjk', (await fontOf(font.regular)) as unknown as Buffer);
  doc.registerFont('cjk-bold', (await fontOf(font.bold)) as unknown as Buffer);

  new PdfWriter(doc, model.empty).write(model);
  decoratePages(doc, model);
  doc.end();
  return done;
}

class PdfWriter {
  constructor(
    private readonly doc: Doc,
    private readonly empty: string,
  ) {}

  private get bottom() {
    return A4.height - MARGIN.bottom;
  }

  /** Starts a new page when `height` does not fit below the cursor. */
  private ensure(height: number) {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  write(model: DocModel) {
    const d = this.doc;
    d.font('cjk-bold').fontSize(SIZE.title).fillColor(INK);
    d.text(model.title, MARGIN.left, MARGIN.top + 8, { width: CONTENT_WIDTH, align: 'center' });
    d.moveDown(0.3);
    d.font('cjk').fontSize(SIZE.subtitle).fillColor(MUTED);
    d.text(model.subtitle, { width: CONTENT_WIDTH, align: 'center' });
    d.moveDown(1);
    for (const block of model.blocks) this.block(block);
  }

  private block(b: Block) {
    switch (b.kind) {
      case 'heading':
        return this.heading(b.text, b.level);
      case 'paragraph':
        return this.paragraph(b.text, b.muted);
      case 'fields':
        return this.fields(b.rows);
      case 'table':
        return this.table(b.columns, b.rows);
      case 'bullets':
        return this.bullets(b.items);
    }
  }

  private heading(text: string, level: 1 | 2) {
    const d = this.doc;
    const size = level === 1 ? SIZE.h1 : SIZE.h2;
    d.moveDown(level === 1 ? 0.8 : 0.5);
    // A heading never ends a page: keep room for it and a table's header and first row below it.
    this.ensure(size * 1.6 + 64);
    d.font('cjk-bold').fontSize(size).fillColor(INK);
    const y = d.y;
    if (level === 1)
      d.rect(MARGIN.left, y + 1, 3, size)
        .fill(ACCENT)
        .fillColor(INK);
    d.text(text, MARGIN.left + (level === 1 ? 9 : 0), y, { width: CONTENT_WIDTH - 9 });
    if (level === 1)
      d.moveTo(MARGIN.left, d.y + 2)
        .lineTo(MARGIN.left + CONTENT_WIDTH, d.y + 2)
        .lineWidth(0.5)
        .strokeColor(RULE)
        .stroke();
    d.y += 6;
  }

  private paragraph(text: string, muted = false) {
    const d = this.doc;
    d.font('cjk')
      .fontSize(muted ? SIZE.table : SIZE.body)
      .fillColor(muted ? MUTED : INK);
    d.text(text, MARGIN.left, d.y, { width: CONTENT_WIDTH, lineGap: 3, paragraphGap: 4 });
  }

  private bullets(items: string[]) {
    const d = this.doc;
    d.font('cjk').fontSize(SIZE.body).fillColor(INK);
    for (const item of items) {
      const height = d.heightOfString(item, { width: CONTENT_WIDTH - 14, lineGap: 3 });
      this.ensure(Math.min(height, SIZE.body * 2));
      const y = d.y;
      d.text('•', MARGIN.left + 2, y, { lineBreak: false });
      d.text(item, MARGIN.left + 14, y, { width: CONTENT_WIDTH - 14, lineGap: 3, paragraphGap: 2 });
    }
  }

  /** Label–value pairs, two pairs a row; a long value takes the whole row. */
  private fields(rows: [string, string][]) {
    const label = CONTENT_WIDTH * 0.16;
    const value = CONTENT_WIDTH * 0.34;
    const lines: { cells: string[]; widths: number[] }[] = [];
    let pending: [string, string] | undefined;
    const wide = (v: string) => this.width(v, SIZE.table) > value - 2 * PAD;
    for (const pair of rows) {
      if (wide(pair[1])) {
        if (pending) lines.push({ cells: [...pending, '', ''], widths: [label, value, label, value] });
        pending = undefined;
        lines.push({ cells: pair, widths: [label, CONTENT_WIDTH - label] });
      } else if (pending) {
        lines.push({ cells: [...pending, ...pair], widths: [label, value, label, value] });
        pending = undefined;
      } else pending = pair;
    }
    if (pending) lines.push({ cells: pending, widths: [label, CONTENT_WIDTH - label] });
    for (const line of lines) this.row(line.cells, line.widths, (i) => i % 2 === 0);
    this.doc.y += 8;
  }

  private table(columns: Column[], rows: string[][]) {
    const total = columns.reduce((s, c) => s + c.width, 0);
    const widths = columns.map((c) => (c.width / total) * CONTENT_WIDTH);
    const titles = columns.map((c) => c.title);
    this.ensure(this.rowHeight(titles, widths, true) + this.rowHeight(rows[0] ?? titles, widths, false));
    this.row(titles, widths, () => true, true);
    if (rows.length === 0) this.row([this.empty], [CONTENT_WIDTH], () => false);
    for (const r of rows) {
      // A row that does not fit goes to the next page under a repeated header row.
      if (this.doc.y + this.rowHeight(r, widths, false) > this.bottom) {
        this.doc.addPage();
        this.row(titles, widths, () => true, true);
      }
      this.row(r, widths, () => false);
    }
    this.doc.y += 6;
  }

  private width(text: string, size: number) {
    return this.doc.font('cjk').fontSize(size).widthOfString(text);
  }

  private rowHeight(cells: string[], widths: number[], bold: boolean) {
    const d = this.doc;
    d.font(bold ? 'cjk-bold' : 'cjk').fontSize(SIZE.table);
    return (
      Math.max(
        ...cells.map((c, i) => d.heightOfString(c || ' ', { width: widths[i] - 2 * PAD, lineGap: 2 })),
      ) +
      2 * PAD
    );
  }

  /** One bordered row; `shaded(i)` cells get the label background and bold text. */
  private row(cells: string[], widths: number[], shaded: (i: number) => boolean, header = false) {
    const d = this.doc;
    const height = this.rowHeight(cells, widths, header);
    this.ensure(height);
    const y = d.y;
    let x = MARGIN.left;
    cells.forEach((text, i) => {
      const w = widths[i];
      if (shaded(i)) d.rect(x, y, w, height).fill(SHADE);
      d.rect(x, y, w, height).lineWidth(0.6).strokeColor(RULE).stroke();
      d.font(shaded(i) ? 'cjk-bold' : 'cjk')
        .fontSize(SIZE.table)
        .fillColor(INK)
        .text(text, x + PAD, y + PAD, { width: w - 2 * PAD, lineGap: 2 });
      x += w;
    });
    d.x = MARGIN.left;
    d.y = y + height;
  }
}

/** The running header (policy number, release number) and 第 n 页 / 共 N 页 on every page. */
function decoratePages(doc: Doc, model: DocModel) {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Writing in the margins must not start a new page.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('cjk').fontSize(SIZE.header).fillColor(MUTED);
    doc.text(model.header, MARGIN.left, 36, { width: CONTENT_WIDTH, align: 'left', lineBreak: false });
    doc.text(model.title, MARGIN.left, 36, { width: CONTENT_WIDTH, align: 'right', lineBreak: false });
    doc
      .moveTo(MARGIN.left, 50)
      .lineTo(A4.width - MARGIN.right, 50)
      .lineWidth(0.5)
      .strokeColor(RULE)
      .stroke();
    const label = model.pageLabel.replace(PAGE, String(i + 1)).replace(PAGES, String(range.count));
    doc.text(label, MARGIN.left, A4.height - 40, { width: CONTENT_WIDTH, align: 'center', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
}
