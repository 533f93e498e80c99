import { BUILTIN_CI_TYPES, ENVIRONMENTS, RELATION_TYPES } from '@releasegate/domain';

/** Column names of the CMDB files; each English key also accepts its Chinese heading. */
export const CI_COLUMNS = {
  type: ['type', '类型'],
  name: ['name', '名称'],
  environment: ['environment', '环境'],
  owner: ['owner', '负责人'],
  critical: ['critical', '核心'],
  version: ['version', '版本'],
  description: ['description', '描述'],
} as const;

export const RELATION_COLUMNS = {
  source_type: ['source_type', '源类型'],
  source_environment: ['source_environment', '源环境'],
  source_name: ['source_name', '源名称'],
  relation: ['relation', '关系'],
  target_type: ['target_type', '目标类型'],
  target_environment: ['target_environment', '目标环境'],
  target_name: ['target_name', '目标名称'],
} as const;

export const ATTRIBUTE_PREFIX = 'attr.';

const ENVIRONMENT_NAMES: Record<string, string> = {
  生产: 'production',
  预生产: 'staging',
  测试: 'test',
  开发: 'development',
  灾备: 'disaster_recovery',
};
const RELATION_NAMES: Record<string, string> = {
  依赖: 'depends_on',
  运行于: 'runs_on',
  连接: 'connects_to',
  属于: 'part_of',
};

export const environmentOf = (text: string): string => ENVIRONMENT_NAMES[text] ?? text;
export const relationOf = (text: string): string => RELATION_NAMES[text] ?? text;
export const typeOf = (text: string, known: { key: string; name: { zh: string } }[]): string =>
  known.find((t) => t.name.zh === text)?.key ?? BUILTIN_CI_TYPES.find((t) => t.name.zh === text)?.key ?? text;

export function criticalOf(text: string): boolean | null {
  const v = text.trim().toLowerCase();
  if (v === '' || ['false', 'no', '0', '否', 'n'].includes(v)) return false;
  if (['true', 'yes', '1', '是', 'y'].includes(v)) return true;
  return null;
}

/** Maps header cells to column keys; unknown headings are reported, not silently dropped. */
export function mapHeader<K extends string>(
  header: string[],
  columns: Record<K, readonly string[]>,
  allowAttributes: boolean,
) {
  const index = new Map<K, number>();
  const attributes = new Map<string, number>();
  const unknown: string[] = [];
  header.forEach((cell, i) => {
    const name = cell.trim();
    if (name === '') return;
    const key = (Object.keys(columns) as K[]).find((k) =>
      columns[k].some((alias) => alias.toLowerCase() === name.toLowerCase()),
    );
    if (key) index.set(key, i);
    else if (allowAttributes && name.startsWith(ATTRIBUTE_PREFIX))
      attributes.set(name.slice(ATTRIBUTE_PREFIX.length), i);
    else unknown.push(name);
  });
  return { index, attributes, unknown };
}

export const isRelationsHeader = (header: string[]) =>
  header.some((h) => RELATION_COLUMNS.relation.some((a) => a.toLowerCase() === h.trim().toLowerCase()));

export { ENVIRONMENTS, RELATION_TYPES };
