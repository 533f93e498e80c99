import type { ThemeConfig } from 'antd';

const fontFamily = [
  '-apple-system',
  'BlinkMacSystemFont',
  '"Segoe UI"',
  '"PingFang SC"',
  '"Hiragino Sans GB"',
  '"Microsoft YaHei"',
  '"Noto Sans CJK SC"',
  '"Noto Sans SC"',
  '"Helvetica Neue"',
  'Arial',
  'sans-serif',
].join(', ');

export const theme: ThemeConfig = {
  token: { colorPrimary: '#1f5fd1', borderRadius: 6, fontFamily },
  components: {
    Layout: { headerBg: '#ffffff', siderBg: '#0f1f3d', headerPadding: '0 24px' },
    Menu: { darkItemBg: '#0f1f3d', darkSubMenuItemBg: '#0b1830', darkItemSelectedBg: '#1f5fd1' },
  },
};
