import { existsSync, openSync, readSync, closeSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * PL-4, CL-2: the CJK font the PDFs embed (decision 0007). In order: the operator's
 * PDF_FONT_PATH; a full CJK font of the system (Noto Sans CJK, Source Han Sans, WenQuanYi,
 * PingFang, Microsoft YaHei…); the Noto Sans Hans OTFs of the `@embedpdf/fonts-sc` npm package
 * (GB2312), a dependency of the server, so a fresh `npm install` can always render Chinese.
 */
export interface FontFace {
  file: string;
  /** PostScript name of the face inside a collection (.ttc); undefined for a single font. */
  face?: string;
}

export interface CjkFont {
  regular: FontFace;
  bold: FontFace;
  /** Where it came from, for the log line at start-up. */
  source: 'PDF_FONT_PATH' | 'system' | 'npm @embedpdf/fonts-sc';
}

export class FontNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FontNotFoundError';
  }
}

const NOTO = (dir: string, ext = 'ttc') => ({
  regular: { file: `${dir}/NotoSansCJK-Regular.${ext}`, face: 'NotoSansCJKsc-Regular' },
  bold: { file: `${dir}/NotoSansCJK-Bold.${ext}`, face: 'NotoSansCJKsc-Bold' },
});

/** Common places of full CJK fonts on Debian/Ubuntu, Fedora/RHEL, Arch, Alpine, macOS and Windows. */
export const SYSTEM_FONTS: { regular: FontFace; bold?: FontFace }[] = [
  NOTO('/usr/share/fonts/opentype/noto'), // Debian, Ubuntu: fonts-noto-cjk
  NOTO('/usr/share/fonts/google-noto-cjk'), // Fedora, RHEL: google-noto-sans-cjk-ttc-fonts
  NOTO('/usr/share/fonts/noto-cjk'), // Arch: noto-fonts-cjk; Alpine: font-noto-cjk
  NOTO('/usr/share/fonts/opentype/noto-cjk'),
  {
    regular: {
      file: '/usr/share/fonts/adobe-source-han-sans/SourceHanSans.ttc',
      face: 'SourceHanSansSC-Regular',
    },
    bold: { file: '/usr/share/fonts/adobe-source-han-sans/SourceHanSans.ttc', face: 'SourceHanSansSC-Bold' },
  },
  { regular: { file: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', face: 'WenQuanYiMicroHei' } },
  { regular: { file: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', face: 'WenQuanYiZenHei' } },
  {
    regular: { file: '/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc', face: 'WenQuanYiMicroHei' },
  },
  {
    regular: { file: '/System/Library/Fonts/PingFang.ttc', face: 'PingFangSC-Regular' },
    bold: { file: '/System/Library/Fonts/PingFang.ttc', face: 'PingFangSC-Semibold' },
  },
  { regular: { file: '/System/Library/Fonts/STHeiti Light.ttc', face: 'STHeitiSC-Light' } },
  {
    regular: { file: 'C:\\Windows\\Fonts\\msyh.ttc', face: 'MicrosoftYaHei' },
    bold: { file: 'C:\\Windows\\Fonts\\msyhbd.ttc', face: 'MicrosoftYaHei-Bold' },
  },
  { regular: { file: 'C:\\Windows\\Fonts\\simsun.ttc', face: 'SimSun' } },
];

const NPM_FONT_PACKAGE = '@embedpdf/fonts-sc';

/** The Noto Sans Hans OTFs shipped by the npm package, when it is installed. */
function packagedFont(): CjkFont | undefined {
  try {
    const require = createRequire(import.meta.url);
    // The package exports only its entry (dist/index.cjs); the OTFs are in fonts/ beside dist/.
    const dir = path.join(path.dirname(require.resolve(NPM_FONT_PACKAGE)), '..', 'fonts');
    const regular = path.join(dir, 'NotoSansHans-Regular.otf');
    const bold = path.join(dir, 'NotoSansHans-Bold.otf');
    if (!existsSync(regular)) return undefined;
    return {
      regular: { file: regular },
      bold: { file: existsSync(bold) ? bold : regular },
      source: 'npm @embedpdf/fonts-sc',
    };
  } catch {
    return undefined;
  }
}

/** True when the file starts with the TrueType/OpenType collection tag `ttcf`. */
function isCollection(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(4);
    readSync(fd, head, 0, 4, 0);
    return head.toString('latin1') === 'ttcf';
  } finally {
    closeSync(fd);
  }
}

/** `PDF_FONT_PATH=/path/font.otf`, or `/path/fonts.ttc#PostScriptName` for a face of a collection. */
function configuredFont(setting: string): CjkFont {
  const hash = setting.lastIndexOf('#');
  const file = hash > 0 ? setting.slice(0, hash) : setting;
  const face = hash > 0 ? setting.slice(hash + 1) : undefined;
  if (!existsSync(file))
    throw new FontNotFoundError(`PDF_FONT_PATH names ${file}, which does not exist (PL-4 needs a CJK font)`);
  if (!face && isCollection(file))
    throw new FontNotFoundError(
      `PDF_FONT_PATH names the font collection ${file}; name the face too, e.g. ${file}#NotoSansCJKsc-Regular`,
    );
  const regular = { file, ...(face && { face }) };
  return { regular, bold: regular, source: 'PDF_FONT_PATH' };
}

/** Finds the CJK font to embed, or says what to install. `exists` is for tests. */
export function resolveCjkFont(
  setting: string | undefined,
  options: { exists?: (file: string) => boolean; packaged?: () => CjkFont | undefined } = {},
): CjkFont {
  if (setting) return configuredFont(setting);
  const exists = options.exists ?? existsSync;
  for (const candidate of SYSTEM_FONTS) {
    if (!exists(candidate.regular.file)) continue;
    const bold = candidate.bold && exists(candidate.bold.file) ? candidate.bold : candidate.regular;
    return { regular: candidate.regular, bold, source: 'system' };
  }
  const packaged = (options.packaged ?? packagedFont)();
  if (packaged) return packaged;
  throw new FontNotFoundError(
    'No CJK font found for PDF documents (PL-4, CL-2). Run `npm install` (the server depends on ' +
      `${NPM_FONT_PACKAGE}), or install a system CJK font (Debian/Ubuntu: apt-get install fonts-noto-cjk; ` +
      'Fedora/RHEL: dnf install google-noto-sans-cjk-ttc-fonts), or set PDF_FONT_PATH to a .ttf/.otf ' +
      '(or a .ttc with #PostScriptName).',
  );
}

const resolved = new Map<string, CjkFont>();

/** The font for a setting, found once per process (a font installed later needs a restart). */
export function cjkFont(setting: string | undefined): CjkFont {
  const key = setting ?? '';
  let font = resolved.get(key);
  if (!font) {
    font = resolveCjkFont(setting);
    resolved.set(key, font);
  }
  return font;
}
