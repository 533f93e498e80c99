import enUS from 'antd/locale/en_US';
import { en as catalogEn } from '@releasegate/messages';
import { en } from './en';

/**
 * The English texts: the app's own, the message catalog under `catalog.` and Ant Design's. Fetched
 * only when English is chosen (issue #18: ~35 KB brotli that a Chinese reader never needs).
 */
export const english = { translation: { ...en, catalog: catalogEn }, antd: enUS };
