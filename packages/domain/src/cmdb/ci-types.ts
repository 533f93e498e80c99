import { fieldProblem, type FieldProblem } from '@releasegate/messages';
/**
 * CI types and their attribute fields (CM-1). Types are data: the built-in ones below are seeded,
 * administrators add more. Each type declares the attribute fields its CIs carry.
 */
export const ATTRIBUTE_KINDS = ['string', 'number', 'boolean', 'date', 'enum', 'ip'] as const;
/** `ip`: an IPv4 or IPv6 address (CM-1: a server's address a user can trust). */
export type AttributeKind = (typeof ATTRIBUTE_KINDS)[number];

export interface AttributeField {
  key: string;
  label: { zh: string; en: string };
  kind: AttributeKind;
  required?: boolean;
  options?: string[];
}

export interface CiTypeDefinition {
  key: string;
  name: { zh: string; en: string };
  fields: AttributeField[];
}

export const ENVIRONMENTS = ['production', 'staging', 'test', 'development', 'disaster_recovery'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export function isEnvironment(value: string): value is Environment {
  return (ENVIRONMENTS as readonly string[]).includes(value);
}

const f = (
  key: string,
  zh: string,
  en: string,
  kind: AttributeKind = 'string',
  extra: Partial<AttributeField> = {},
): AttributeField => ({
  key,
  label: { zh, en },
  kind,
  ...extra,
});

export const BUILTIN_CI_TYPES: CiTypeDefinition[] = [
  {
    key: 'service',
    name: { zh: '业务服务', en: 'Business service' },
    fields: [
      f('sla', 'SLA', 'SLA'),
      f('business_owner', '业务负责人', 'Business owner'),
      f('users', '用户数', 'Users', 'number'),
    ],
  },
  {
    key: 'application',
    name: { zh: '应用系统', en: 'Application' },
    fields: [
      f('language', '开发语言', 'Language'),
      f('repository', '代码仓库', 'Repository'),
      f('vendor', '供应商', 'Vendor'),
    ],
  },
  {
    key: 'middleware',
    name: { zh: '中间件', en: 'Middleware' },
    fields: [f('product', '产品', 'Product'), f('port', '端口', 'Port', 'number')],
  },
  {
    key: 'database',
    name: { zh: '数据库', en: 'Database' },
    fields: [
      f('engine', '数据库类型', 'Engine', 'enum', {
        options: [
          'PostgreSQL',
          'MySQL',
          'Oracle',
          'SQL Server',
          'DM',
          'KingbaseES',
          'OceanBase',
          'GaussDB',
          'TiDB',
          'Other',
        ],
      }),
      f('port', '端口', 'Port', 'number'),
      f('backup_policy', '备份策略', 'Backup policy'),
    ],
  },
  {
    key: 'server',
    name: { zh: '服务器', en: 'Server' },
    fields: [
      f('ip', 'IP 地址', 'IP address', 'ip', { required: true }),
      f('os', '操作系统', 'Operating system'),
      f('cpu', 'CPU 核数', 'CPU cores', 'number'),
      f('memory_gb', '内存 (GB)', 'Memory (GB)', 'number'),
      f('location', '机房位置', 'Location'),
    ],
  },
  {
    key: 'network_device',
    name: { zh: '网络设备', en: 'Network device' },
    fields: [
      f('ip', '管理 IP', 'Management IP', 'ip'),
      f('model', '型号', 'Model'),
      f('location', '机房位置', 'Location'),
    ],
  },
  {
    key: 'storage',
    name: { zh: '存储', en: 'Storage' },
    fields: [f('capacity_tb', '容量 (TB)', 'Capacity (TB)', 'number'), f('model', '型号', 'Model')],
  },
  {
    key: 'document',
    name: { zh: '文档', en: 'Document' },
    fields: [f('document_no', '文件编号', 'Document number'), f('url', '链接', 'Link')],
  },
];

export interface AttributeProblem {
  field: string;
  problem: FieldProblem;
}

/**
 * Checks attribute values against a type's fields; returns every problem. Unknown keys are
 * refused so typos do not silently create new attributes.
 */
export function validateAttributes(
  fields: readonly AttributeField[],
  attributes: Record<string, unknown>,
): AttributeProblem[] {
  const problems: AttributeProblem[] = [];
  const byKey = new Map(fields.map((x) => [x.key, x]));
  for (const key of Object.keys(attributes)) {
    if (!byKey.has(key))
      problems.push({
        field: key,
        problem: fieldProblem('unknown_attribute', {
          keys: fields.length ? fields.map((x) => x.key) : ['none'],
        }),
      });
  }
  for (const field of fields) {
    const value = attributes[field.key];
    if (value === undefined || value === null || value === '') {
      if (field.required) problems.push({ field: field.key, problem: fieldProblem('required') });
      continue;
    }
    switch (field.kind) {
      case 'string':
        if (typeof value !== 'string')
          problems.push({ field: field.key, problem: fieldProblem('must_be_text') });
        break;
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value))
          problems.push({ field: field.key, problem: fieldProblem('must_be_number') });
        break;
      case 'boolean':
        if (typeof value !== 'boolean')
          problems.push({ field: field.key, problem: fieldProblem('must_be_boolean') });
        break;
      case 'date':
        if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(Date.parse(value)))
          problems.push({ field: field.key, problem: fieldProblem('must_be_date') });
        break;
      case 'enum':
        if (typeof value !== 'string' || !(field.options ?? []).includes(value))
          problems.push({
            field: field.key,
            problem: fieldProblem('one_of', { values: field.options ?? [] }),
          });
        break;
      case 'ip':
        if (typeof value !== 'string' || !isIpAddress(value))
          problems.push({ field: field.key, problem: fieldProblem('must_be_ip') });
        break;
    }
  }
  return problems;
}

/** Text from a spreadsheet cell or form, converted to the field's kind (for import). */
export function coerceAttribute(field: AttributeField, raw: string): unknown {
  const text = raw.trim();
  if (text === '') return undefined;
  switch (field.kind) {
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
    case 'boolean':
      return ['true', 'yes', '1', '是'].includes(text.toLowerCase())
        ? true
        : ['false', 'no', '0', '否'].includes(text.toLowerCase())
          ? false
          : text;
    case 'string':
    case 'date':
    case 'enum':
    case 'ip':
      return text;
  }
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HEXTET = /^[0-9a-f]{1,4}$/i;

/** A dotted-quad IPv4 address (no leading zeros) or an IPv6 address (`::` shortening, an IPv4 tail). */
export function isIpAddress(text: string): boolean {
  if (IPV4.test(text)) return true;
  if (!text.includes(':') || text.split('::').length > 2) return false;
  let rest = text;
  const lastColon = text.lastIndexOf(':');
  const quad = text.slice(lastColon + 1);
  if (quad.includes('.')) {
    // An embedded IPv4 tail (::ffff:10.0.0.8) stands for the last two groups.
    if (!IPV4.test(quad)) return false;
    rest = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [head, tail] = rest.split('::');
  const part = (s: string | undefined) => (s ? s.split(':') : []);
  const all = [...part(head), ...part(tail)];
  if (!all.every((g) => HEXTET.test(g))) return false;
  return tail === undefined ? all.length === 8 : all.length < 8;
}
