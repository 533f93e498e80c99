import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en as catalogEn, zh as catalogZh } from '@releasegate/messages';
import { en } from './en';
import { zh } from './zh';

export type Language = 'zh' | 'en';
export const LANGUAGES: readonly Language[] = ['zh', 'en'];
const STORAGE_KEY = 'releasegate.language';

export function storedLanguage(): Language {
  try {
    return window.localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

export function persistLanguage(language: Language): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

/** The app's texts and the message catalog the server's codes are rendered with (`catalog.`). */
export const APP_RESOURCES = {
  zh: { translation: { ...zh, catalog: catalogZh } },
  en: { translation: { ...en, catalog: catalogEn } },
};

/** Resources are bundled, so initialisation completes synchronously. */
void i18n.use(initReactI18next).init({
  resources: APP_RESOURCES,
  lng: storedLanguage(),
  fallbackLng: 'zh',
  supportedLngs: LANGUAGES,
  interpolation: { escapeValue: false },
  initAsync: false,
});

export default i18n;
