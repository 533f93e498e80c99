import '../../i18n/zh.people';
import { Flex, Input, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { useRoleOptions } from '../../common/roles';
import type { Role } from '../../api/types';
import type { UserFilter, UserStatusFilter } from './users.api';

/** Text, role and status filters; text applies on Enter or on the search button. */
export function UserFilters({
  value,
  onChange,
}: {
  value: UserFilter;
  onChange: (next: UserFilter) => void;
}) {
  const { t } = useTranslation();
  const { groups } = useRoleOptions();
  return (
    <Flex gap={12} wrap style={{ marginBottom: 16 }}>
      <Input.Search
        allowClear
        placeholder={t('users.searchPlaceholder')}
        key={value.text ?? ''}
        defaultValue={value.text}
        onSearch={(text) => onChange({ ...value, text })}
        style={{ width: 300 }}
        aria-label={t('users.searchPlaceholder')}
        data-testid="user-search"
      />
      <Select<Role>
        allowClear
        placeholder={t('users.roleFilter')}
        value={value.role}
        onChange={(role) => onChange({ ...value, role })}
        options={groups}
        style={{ width: 220 }}
        aria-label={t('users.roleFilter')}
        popupMatchSelectWidth={false}
      />
      <Select<UserStatusFilter>
        allowClear
        placeholder={t('users.statusFilter')}
        value={value.status}
        onChange={(status) => onChange({ ...value, status })}
        options={[
          { value: 'active', label: t('users.statusActive') },
          { value: 'locked', label: t('users.statusLocked') },
          { value: 'disabled', label: t('users.statusDisabled') },
        ]}
        style={{ width: 160 }}
        aria-label={t('users.statusFilter')}
      />
    </Flex>
  );
}
