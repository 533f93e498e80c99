import { useEffect, useMemo, useSyncExternalStore, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfigProvider, theme as antdTheme } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { FeedbackProvider } from '../common/feedback';
import { theme } from '../theme';
import { antdEnglishLocale } from './index';

const REDUCED_MOTION = '(prefers-reduced-motion: reduce)';

const reducedMotionQuery = (): MediaQueryList | null =>
  typeof window.matchMedia === 'function' ? window.matchMedia(REDUCED_MOTION) : null;

function subscribeReducedMotion(onChange: () => void): () => void {
  const query = reducedMotionQuery();
  query?.addEventListener('change', onChange);
  return () => query?.removeEventListener('change', onChange);
}

/** Whether the person asked their system for less motion. */
function usePrefersReducedMotion(): boolean {
  return useSyncExternalStore(
    subscribeReducedMotion,
    () => reducedMotionQuery()?.matches ?? false,
    () => false,
  );
}

/** The text's colour, size, line height and font from the theme, as antd's App component sets them. */
function BaseText({ children }: { children: ReactNode }) {
  const { token } = antdTheme.useToken();
  return (
    <div
      style={{
        color: token.colorText,
        fontSize: token.fontSize,
        lineHeight: token.lineHeight,
        fontFamily: token.fontFamily,
      }}
    >
      {children}
    </div>
  );
}

/**
 * Ant Design's locale, dayjs's locale and the document language follow the i18next language;
 * popups, drawers and messages appear without animation for those who asked for less motion;
 * the pages' messages and confirmations come from FeedbackProvider.
 */
export function LocaleProvider({ children }: { children: ReactNode }) {
  const { i18n, t } = useTranslation();
  const reducedMotion = usePrefersReducedMotion();
  const themeConfig = useMemo(
    () => (reducedMotion ? { ...theme, token: { ...theme.token, motion: false } } : theme),
    [reducedMotion],
  );
  const english = i18n.language === 'en';
  dayjs.locale(english ? 'en' : 'zh-cn');

  useEffect(() => {
    document.documentElement.lang = english ? 'en' : 'zh-CN';
    document.title = english ? 'ReleaseGate · 发布管理平台' : `${t('app.name')} · ReleaseGate`;
  }, [english, t]);

  return (
    <ConfigProvider
      locale={english ? (antdEnglishLocale() ?? zhCN) : zhCN}
      theme={themeConfig}
      button={{ autoInsertSpace: false }}
    >
      <BaseText>
        <FeedbackProvider>{children}</FeedbackProvider>
      </BaseText>
    </ConfigProvider>
  );
}
