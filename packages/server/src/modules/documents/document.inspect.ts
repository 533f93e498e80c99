import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';

/**
 * Test support for PL-4 and CL-2: opens a DOCX and reads its text; renders a PDF's first page
 * with poppler (`pdftoppm`, `pdftotext`: Debian's poppler-utils) as a person would look at it.
 */
export const INSPECT_DIR = path.join(os.tmpdir(), 'releasegate-documents');

const xmlText = (xml: string) =>
  xml
    .replace(/<w:tab\/>/g, '\t')
    .replace(/<\/w:p>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** The text of the body, the page header and the footer of a DOCX. */
export async function docxText(bytes: Buffer): Promise<{ body: string; header: string; footer: string }> {
  const zip = await JSZip.loadAsync(bytes);
  const part = async (name: string) => {
    const f = zip.file(name);
    if (!f) throw new Error(`${name} is missing from the DOCX`);
    return xmlText(await f.async('string'));
  };
  return {
    body: await part('word/document.xml'),
    header: await part('word/header1.xml'),
    footer: await part('word/footer1.xml'),
  };
}

/**
 * Renders page 1 of the PDF to `<name>-page1.png` under INSPECT_DIR (to look at) and measures
 * the same page as greyscale: the share of pixels that are not white. Returns the text of every page.
 */
export function inspectPdf(bytes: Buffer, name: string) {
  try {
    execFileSync('pdftoppm', ['-v'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      'Looking at PDFs needs poppler: apt-get install poppler-utils (pdftoppm, pdftotext, pdffonts)',
    );
  }
  mkdirSync(INSPECT_DIR, { recursive: true });
  const pdf = path.join(INSPECT_DIR, `${name}.pdf`);
  writeFileSync(pdf, bytes);
  const stem = path.join(INSPECT_DIR, `${name}-page1`);
  execFileSync('pdftoppm', ['-f', '1', '-l', '1', '-r', '80', '-png', '-singlefile', pdf, stem]);
  execFileSync('pdftoppm', ['-f', '1', '-l', '1', '-r', '40', '-gray', '-singlefile', pdf, stem]);
  const png = readFileSync(`${stem}.png`);
  const { width, height, pixels } = readPgm(readFileSync(`${stem}.pgm`));
  const inked = pixels.filter((p) => p < 200).length / pixels.length;
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' });
  const fonts = execFileSync('pdffonts', [pdf], { encoding: 'utf8' });
  return { png, pngPath: `${stem}.png`, width, height, inked, text, fonts };
}

/** A binary greyscale PGM (P5, 8 bits) as pdftoppm writes it. */
function readPgm(bytes: Buffer) {
  const header = bytes.subarray(0, 64).toString('latin1');
  const m = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(header);
  if (!m) throw new Error('not a binary PGM');
  const width = Number(m[1]);
  const height = Number(m[2]);
  return { width, height, pixels: bytes.subarray(m[0].length, m[0].length + width * height) };
}
