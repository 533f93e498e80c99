import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  Header,
  HeadingLevel,
  Packer,
  PageNumber,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TabStopType,
  TextRun,
  WidthType,
  type IRunOptions,
} from 'docx';
import { PAGE, PAGES, type Block, type Column, type DocModel } from './document.model';

/**
 * PL-4, CL-2: the DOCX of a document, as a Chinese IT department exchanges it: A4, 宋体 body and
 * 黑体 headings (Word and WPS map them on every Chinese desktop; LibreOffice falls back to its CJK
 * font), real heading styles for the navigation pane, bordered tables whose header row repeats.
 */
const TWIP_PER_CM = 567;
const PAGE_SIZE = { width: 11906, height: 16838 }; // A4 in twentieths of a point
const MARGIN = {
  top: Math.round(2.5 * TWIP_PER_CM),
  bottom: Math.round(2.2 * TWIP_PER_CM),
  side: 2 * TWIP_PER_CM,
};
const CONTENT_WIDTH = PAGE_SIZE.width - 2 * MARGIN.side;
const BODY_FONT = { ascii: 'Arial', hAnsi: 'Arial', eastAsia: '宋体', cs: 'Arial' };
const HEADING_FONT = { ascii: 'Arial', hAnsi: 'Arial', eastAsia: '黑体', cs: 'Arial' };
const INK = '1F2329';
const MUTED = '646A73';
const RULE = '8F959E';
const SHADE = 'F2F3F5';
// Half-points.
const SIZE = { title: 40, subtitle: 22, h1: 28, h2: 24, body: 21, table: 19, header: 17 };

const border = { style: BorderStyle.SINGLE, size: 4, color: RULE };
const TABLE_BORDERS = {
  top: border,
  bottom: border,
  left: border,
  right: border,
  insideHorizontal: border,
  insideVertical: border,
};

/** Text with line breaks as runs (a plan's free text keeps its lines). */
function runs(text: string, options: Omit<IRunOptions, 'text' | 'break'> = {}): TextRun[] {
  return text
    .split('\n')
    .map((line, i) => new TextRun({ ...options, text: line, ...(i > 0 && { break: 1 }) }));
}

function cell(
  text: string,
  width: number,
  options: { shaded?: boolean; span?: number; bold?: boolean } = {},
) {
  return new TableCell({
    width: { size: width, type: WidthType.DXA },
    ...(options.span && { columnSpan: options.span }),
    ...(options.shaded && { shading: { type: ShadingType.CLEAR, fill: SHADE, color: 'auto' } }),
    margins: { top: 60, bottom: 60, left: 100, right: 100 },
    children: [
      new Paragraph({
        children: runs(text, { size: SIZE.table, bold: options.bold ?? options.shaded, color: INK }),
      }),
    ],
  });
}

function table(columnWidths: number[], rows: TableRow[]) {
  return new Table({
    width: { size: CONTENT_WIDTH, type: WidthType.DXA },
    columnWidths,
    layout: TableLayoutType.FIXED,
    borders: TABLE_BORDERS,
    rows,
  });
}

/** Label–value pairs, two pairs a row; a long value takes the rest of its row. */
function fieldsTable(rows: [string, string][]) {
  const label = Math.round(CONTENT_WIDTH * 0.16);
  const value = Math.round(CONTENT_WIDTH * 0.34);
  const widths = [label, value, label, CONTENT_WIDTH - 2 * label - value];
  const rest = CONTENT_WIDTH - label;
  const out: TableRow[] = [];
  let pending: [string, string] | undefined;
  // Ideographs count double: a value wider than about 16 of them takes the whole row.
  const wide = (v: string) =>
    v.includes('\n') || [...v].reduce((n, ch) => n + (ch > '\u2e80' ? 2 : 1), 0) > 32;
  const full = ([l, v]: [string, string]) =>
    new TableRow({
      cantSplit: true,
      children: [cell(l, label, { shaded: true }), cell(v, rest, { span: 3 })],
    });
  for (const pair of rows) {
    if (wide(pair[1])) {
      if (pending) out.push(full(pending));
      pending = undefined;
      out.push(full(pair));
    } else if (pending) {
      out.push(
        new TableRow({
          cantSplit: true,
          children: [
            cell(pending[0], widths[0], { shaded: true }),
            cell(pending[1], widths[1]),
            cell(pair[0], widths[2], { shaded: true }),
            cell(pair[1], widths[3]),
          ],
        }),
      );
      pending = undefined;
    } else pending = pair;
  }
  if (pending) out.push(full(pending));
  return table(widths, out);
}

function dataTable(columns: Column[], rows: string[][], empty: string) {
  const total = columns.reduce((s, c) => s + c.width, 0);
  const widths = columns.map((c) => Math.floor((c.width / total) * CONTENT_WIDTH));
  const header = new TableRow({
    tableHeader: true,
    cantSplit: true,
    children: columns.map((c, i) => cell(c.title, widths[i], { shaded: true })),
  });
  const body =
    rows.length === 0
      ? [new TableRow({ children: [cell(empty, CONTENT_WIDTH, { span: columns.length })] })]
      : rows.map(
          (r) => new TableRow({ cantSplit: true, children: r.map((text, i) => cell(text, widths[i])) }),
        );
  return table(widths, [header, ...body]);
}

const gap = () => new Paragraph({ spacing: { after: 80 }, children: [] });

function block(b: Block, empty: string): (Paragraph | Table)[] {
  switch (b.kind) {
    case 'heading':
      return [
        new Paragraph({
          heading: b.level === 1 ? HeadingLevel.HEADING_1 : HeadingLevel.HEADING_2,
          keepNext: true,
          children: runs(b.text),
        }),
      ];
    case 'paragraph':
      return [
        new Paragraph({
          spacing: { after: 100, line: 360 },
          children: runs(b.text, b.muted ? { color: MUTED } : {}),
        }),
      ];
    case 'fields':
      return [fieldsTable(b.rows), gap()];
    case 'table':
      return [dataTable(b.columns, b.rows, empty), gap()];
    case 'bullets':
      return b.items.map(
        (item) => new Paragraph({ bullet: { level: 0 }, spacing: { after: 60 }, children: runs(item) }),
      );
  }
}

/** 第 {page} 页 / 共 {pages} 页 with Word's page fields in place of the placeholders. */
function pageLabel(label: string): TextRun[] {
  const style = { size: SIZE.header, color: MUTED };
  return label
    .split(/(\{page\}|\{pages\})/)
    .filter(Boolean)
    .map((part) =>
      part === PAGE
        ? new TextRun({ ...style, children: [PageNumber.CURRENT] })
        : part === PAGES
          ? new TextRun({ ...style, children: [PageNumber.TOTAL_PAGES] })
          : new TextRun({ ...style, text: part }),
    );
}

export async function renderDocx(model: DocModel): Promise<Buffer> {
  const document = new Document({
    creator: 'ReleaseGate',
    title: `${model.title} ${model.subtitle}`,
    subject: model.header,
    styles: {
      default: {
        document: { run: { font: BODY_FONT, size: SIZE.body, color: INK } },
        heading1: {
          run: { font: HEADING_FONT, size: SIZE.h1, bold: true, color: INK },
          paragraph: {
            spacing: { before: 360, after: 160 },
            border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: RULE, space: 2 } },
          },
        },
        heading2: {
          run: { font: HEADING_FONT, size: SIZE.h2, bold: true, color: INK },
          paragraph: { spacing: { before: 240, after: 120 } },
        },
      },
    },
    sections: [
      {
        properties: {
          page: {
            size: PAGE_SIZE,
            margin: {
              top: MARGIN.top,
              bottom: MARGIN.bottom,
              left: MARGIN.side,
              right: MARGIN.side,
              header: 567,
              footer: 567,
            },
          },
        },
        headers: {
          default: new Header({
            children: [
              new Paragraph({
                tabStops: [{ type: TabStopType.RIGHT, position: CONTENT_WIDTH }],
                border: { bottom: { style: BorderStyle.SINGLE, size: 4, color: RULE, space: 4 } },
                children: [
                  new TextRun({ text: model.header, size: SIZE.header, color: MUTED }),
                  new TextRun({ text: `\t${model.title}`, size: SIZE.header, color: MUTED }),
                ],
              }),
            ],
          }),
        },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({ alignment: AlignmentType.CENTER, children: pageLabel(model.pageLabel) }),
            ],
          }),
        },
        children: [
          new Paragraph({
            heading: HeadingLevel.TITLE,
            alignment: AlignmentType.CENTER,
            spacing: { before: 120, after: 120 },
            children: [new TextRun({ text: model.title, font: HEADING_FONT, size: SIZE.title, bold: true })],
          }),
          new Paragraph({
            alignment: AlignmentType.CENTER,
            spacing: { after: 360 },
            children: [new TextRun({ text: model.subtitle, size: SIZE.subtitle, color: MUTED })],
          }),
          ...model.blocks.flatMap((b) => block(b, model.empty)),
        ],
      },
    ],
  });
  return Packer.toBuffer(document);
}
