import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Language } from '../i18n';
import { useLanguage } from '../i18n/useLanguage';

/** 中文 / English, remembered in localStorage. */
export function LanguageSwitch() {
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
        { label: '中文', value: 'zh' },
        { label: 'English', value: 'en' },
      ]}
    />
  );
}
