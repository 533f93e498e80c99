import type { TFunction } from 'i18next';

/** "查看用户" for user.read; the code itself when there is no translation yet. */
export function permissionLabel(t: TFunction, permission: string): string {
  return t(`permissions.${permission}`, { defaultValue: permission });
}
