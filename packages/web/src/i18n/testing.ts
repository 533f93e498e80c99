import i18next from 'i18next';
import { en as catalogEn, zh as catalogZh } from '@releasegate/messages';
import { en } from './en';
import { zh } from './zh';
import { zhMeasures } from './zh.measures';
import { zhKnowledge } from './zh.knowledge';
import { zhPeople } from './zh.people';
import { zhTokens } from './zh.tokens';
import { zhAccount } from './zh.account';
import { zhAudit } from './zh.audit';
import { zhCmdb } from './zh.cmdb';
import { zhDsl } from './zh.dsl';
import type { Messages } from './zh';

/** The areas whose Chinese texts are not in the first download, each registered when imported (issue #18). */
export const zhAreas = {
  measures: zhMeasures,
  knowledge: zhKnowledge,
  people: zhPeople,
  tokens: zhTokens,
  account: zhAccount,
  audit: zhAudit,
  cmdb: zhCmdb,
  dsl: zhDsl,
};

/** Every Chinese text: the first download's and every area's. */
export const zhAll = Object.assign({}, zh, ...Object.values(zhAreas)) as Messages;

/** The app's own texts for unit tests of functions that take a `t`: one fixed `t` per language. */
export const testI18n = i18next.createInstance();
void testI18n.init({
  resources: {
    zh: { translation: { ...zhAll, catalog: catalogZh } },
    en: { translation: { ...en, catalog: catalogEn } },
  },
  lng: 'zh',
  interpolation: { escapeValue: false },
  initAsync: false,
});
export const zhT = testI18n.getFixedT('zh');
export const enT = testI18n.getFixedT('en');
