import i18next from 'i18next';
import { en as catalogEn, zh as catalogZh } from '@releasegate/messages';
import { en } from './en';
import { zh } from './zh';

/** The app's own texts for unit tests of functions that take a `t`: one fixed `t` per language. */
export const testI18n = i18next.createInstance();
void testI18n.init({
  resources: {
    zh: { translation: { ...zh, catalog: catalogZh } },
    en: { translation: { ...en, catalog: catalogEn } },
  },
  lng: 'zh',
  interpolation: { escapeValue: false },
  initAsync: false,
});
export const zhT = testI18n.getFixedT('zh');
export const enT = testI18n.getFixedT('en');
