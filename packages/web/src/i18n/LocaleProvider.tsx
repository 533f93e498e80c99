import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { theme } from '../theme';

/** Ant Design's locale, dayjs's locale and the document language follow the i18next language. */
export function LocaleProvider({ children }: { children: ReactNode }) {
  const { i18n, t } = useTranslation();
  const english = i18n.language === 'en';
  dayjs.locale(english ? 'en' : 'zh-cn');

  useEffect(() => {
    document.documentElement.lang = english ? 'en' : 'zh-CN';
    document.title = english ? 'ReleaseGate · 发布管理平台' : `${t('app.name')} · ReleaseGate`;
  }, [english, t]);

  return (
    <ConfigProvider locale={english ? enUS : zhCN} theme={theme} button={{ autoInsertSpace: false }}>
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}
