import '../../i18n/zh.tokens';
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { TokenState } from '../../api/types';

const COLORS: Record<TokenState, string> = { active: 'success', expired: 'default', revoked: 'error' };
const LABELS: Record<TokenState, string> = {
  active: 'tokens.stateActive',
  expired: 'tokens.stateExpired',
  revoked: 'tokens.stateRevoked',
};

export function TokenStateTag({ state }: { state: TokenState }) {
  const { t } = useTranslation();
  return <Tag color={COLORS[state]}>{t(LABELS[state])}</Tag>;
}
