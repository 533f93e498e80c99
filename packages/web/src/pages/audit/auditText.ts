import '../../i18n/zh.audit';
import type { TFunction } from 'i18next';

/** A refusal of a request without an action name of its own is audited as "METHOD /api/route". */
const REQUEST = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) (\/\S*)$/;
/** A refused command line action is audited under its command: `cli.token.create`. */
const COMMAND = /^cli\.([a-z][a-z_-]*(?:\.[a-z][a-z_-]*)*)$/;
/** Action codes and entity types the locale files label: `namespace.verb`, `entity_type`. */
const ACTION_CODE = /^[a-z][a-z_]*\.[a-z][a-z_]*$/;
const ENTITY_TYPE = /^[a-z][a-z_]*$/;

/** The types of object the server audits (labels under `entityTypes` in the locale files). */
export const ENTITY_TYPES = [
  'release',
  'change',
  'policy_version',
  'freeze_window',
  'ci',
  'ci_relation',
  'ci_type',
  'baseline',
  'cmdb',
  'dsl_version',
  'dsl',
  'knowledge_article',
  'measures',
  'notification_delivery',
  'webhook_endpoint',
  'user',
  'api_token',
  'setup_link',
  'group_role_mapping',
  'directory',
  'audit_log',
  'job',
  'system',
];

/**
 * An audit action in the reader's language (`actions.<namespace>.<verb>` in the locale files);
 * a refused request as "访问被拒绝 GET /api/…", a refused command as "命令行操作被拒绝 releasegate
 * token create"; an action the locale files do not know as its code.
 */
export function auditActionLabel(t: TFunction, action: string): string {
  const request = REQUEST.exec(action);
  if (request) return t('audit.deniedRequest', { method: request[1], path: request[2] });
  const command = COMMAND.exec(action);
  if (command) return t('audit.deniedCommand', { command: command[1].split('.').join(' ') });
  return ACTION_CODE.test(action) ? t(`actions.${action}`, { defaultValue: action }) : action;
}

/** The type of an audited object in the reader's language, or its code when unknown. */
export function entityTypeLabel(t: TFunction, entityType: string): string {
  return ENTITY_TYPE.test(entityType)
    ? t(`entityTypes.${entityType}`, { defaultValue: entityType })
    : entityType;
}
