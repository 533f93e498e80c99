import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Locale } from 'antd/es/locale';
import { zh as catalogZh } from '@releasegate/messages';
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

/**
 * The cookie that tells the server the reader's language (issue #18): the server renders a
 * page's first paint only in Chinese, and leaves the page to the app for a reader of English.
 */
export const LANGUAGE_COOKIE = 'rg_lang';

/** How a missing text is said in the console (the e2e harness watches for it). */
const MISSING_TEXT = '[i18n] missing text:';

export function persistLanguage(language: Language): void {
  document.cookie = `${LANGUAGE_COOKIE}=${language}; path=/; max-age=31536000; samesite=lax`;
  try {
    window.localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

/**
 * Chinese, the default, is bundled, so initialisation completes synchronously and the first paint
 * is Chinese. English (the app's texts, the message catalog the server's codes are rendered with,
 * and Ant Design's locale) is fetched when it is first chosen: `switchLanguage('en')`.
 */
void i18n.use(initReactI18next).init({
  resources: { zh: { translation: { ...zh, catalog: catalogZh } } },
  lng: 'zh',
  fallbackLng: 'zh',
  supportedLngs: LANGUAGES,
  interpolation: { escapeValue: false },
  initAsync: false,
  // A text the page asks for and nobody registered (an area's texts not imported by the module that
  // shows them, issue #18) would show as its bare key: said in the console, where the e2e suite
  // fails on it. A key asked for with a default (an unknown state from a newer server) is not.
  saveMissing: true,
  missingKeyHandler: (
    _languages,
    _namespace,
    key,
    _fallback,
    _update,
    options: { defaultValue?: unknown },
  ) => {
    if (options?.defaultValue === undefined) console.error(`${MISSING_TEXT} ${key}`);
  },
});

/**
 * Adds an area's Chinese texts (`zh.people.ts` and the like), which call this when their module
 * is first imported: they come with the code of the pages that show them, not in the first
 * download (issue #18). English is fetched whole when chosen (`english.ts`).
 */
export function addTexts(texts: object): void {
  i18n.addResourceBundle('zh', 'translation', texts, true, true);
}

let antdEnglish: Locale | undefined;

/** Ant Design's English locale once English was loaded (Chinese until then). */
export const antdEnglishLocale = (): Locale | undefined => antdEnglish;

/** Switches to `language`, fetching its texts first if they are not loaded yet. */
export async function switchLanguage(language: Language): Promise<void> {
  if (language === 'en' && !i18n.hasResourceBundle('en', 'translation')) {
    const { english } = await import('./english');
    antdEnglish = english.antd;
    i18n.addResourceBundle('en', 'translation', english.translation);
  }
  await i18n.changeLanguage(language);
}

export default i18n;
