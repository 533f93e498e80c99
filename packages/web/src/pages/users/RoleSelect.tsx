import '../../i18n/zh.people';
import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { useRoleOptions } from '../../common/roles';

/** Multi-select of roles, grouped, in the user's language. Used as a controlled form field. */
export function RoleSelect({
  value,
  onChange,
  id,
  disabled,
}: {
  value?: string[];
  onChange?: (roles: string[]) => void;
  id?: string;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const { groups, loading } = useRoleOptions();
  return (
    <Select<string[]>
      id={id}
      mode="multiple"
      allowClear
      disabled={disabled}
      loading={loading}
      value={value}
      onChange={onChange}
      options={groups}
      placeholder={t('users.rolesPlaceholder')}
      showSearch={{ optionFilterProp: 'label' }}
      data-testid="role-select"
    />
  );
}
