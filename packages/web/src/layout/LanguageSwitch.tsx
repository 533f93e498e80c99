import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Language } from '../i18n';
import { useLanguage } from '../i18n/useLanguage';

/** 中文 / English, remembered in localStorage; 中 / EN where the header is narrow (a phone). */
export function LanguageSwitch({ compact = false }: { compact?: boolean }) {
  const { t } = useTranslation();
  const [language, setLanguage] = useLanguage();
  return (
    <Segmented<Language>
      size="small"
      aria-label={t('header.language')}
      data-testid="language-switch"
      value={language}
      onChange={setLanguage}
      options={[
        { label: compact ? '中' : '中文', value: 'zh', title: '中文' },
        { label: compact ? 'EN' : 'English', value: 'en', title: 'English' },
      ]}
    />
  );
}
