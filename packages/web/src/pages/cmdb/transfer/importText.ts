import { localizeFieldMessage } from '../../../common/serverText';

export interface ImportTextHelpers {
  typeName: (key: string) => string;
  environmentName: (key: string) => string;
}

type Rule = [RegExp, (m: RegExpExecArray, h: ImportTextHelpers) => string];

/** The import's problem reasons (server English) in Chinese; unknown wording is shown as sent. */
const ZH_RULES: Rule[] = [
  [/^required column is missing$/, () => '缺少必需的列'],
  [/^unknown column; expected (.+)$/, (m) => `无法识别的列；可用的列：${m[1]}`],
  [/^unknown CI type "(.*)"; known: (.+)$/, (m) => `未知的配置项类型“${m[1]}”；可用类型：${m[2]}`],
  [/^must be true\/false \(是\/否\)$/, () => '应填写“是”或“否”'],
  [/^the type (\S+) has no attribute (\S+)$/, (m, h) => `类型“${h.typeName(m[1])}”没有属性 ${m[2]}`],
  [
    /^the same (\S+) in (\S+) is already on row (\d+)$/,
    (m, h) => `同一${h.environmentName(m[2])}环境的${h.typeName(m[1])}已在第 ${m[3]} 行出现`,
  ],
  [
    /^(source|target) type, environment and name are required$/,
    (m) => `${m[1] === 'source' ? '源' : '目标'}配置项的类型、环境和名称都必须填写`,
  ],
  [
    /^no (\S+) named (.+) in (\S+), in this file or in the CMDB$/,
    (m, h) => `文件和 CMDB 中都没有${h.environmentName(m[3])}环境的${h.typeName(m[1])}“${m[2]}”`,
  ],
  [/^a CI cannot be related to itself$/, () => '配置项不能与自身建立关系'],
  [/^the same relation is listed twice$/, () => '同一关系重复出现'],
];

export function localizeImportReason(reason: string, language: string, helpers: ImportTextHelpers): string {
  if (language === 'en') return reason;
  for (const [pattern, render] of ZH_RULES) {
    const m = pattern.exec(reason);
    if (m) return render(m, helpers);
  }
  return localizeFieldMessage(reason, language);
}
