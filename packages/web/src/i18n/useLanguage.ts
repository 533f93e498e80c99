import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { persistLanguage, switchLanguage, type Language } from './index';

/** The current language and a setter that also remembers the choice in localStorage. */
export function useLanguage(): [Language, (language: Language) => void] {
  const { i18n } = useTranslation();
  const language: Language = i18n.language === 'en' ? 'en' : 'zh';
  const setLanguage = useCallback((next: Language) => {
    persistLanguage(next);
    void switchLanguage(next);
  }, []);
  return [language, setLanguage];
}
