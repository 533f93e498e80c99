import { describe, expect, it } from 'vitest';
import { shownStyles } from './shownStyles';

const style = (attributes: string, css: string) => `<style ${attributes}>${css}</style>`;
const TOKENS = style('data-token-hash="css-var-_R_0_"', '.css-var-_R_0_{--ant-blue:#1677FF;}');
const BUTTON = style('data-css-hash="a"', ':where(.css-1y106cm).ant-btn{display:inline-flex;}');
const BUTTON_VARS = style('data-css-hash="b"', '.css-var-_R_0_.ant-btn{--ant-button-primary-shadow:none;}');
const TOOLTIP = style('data-css-hash="c"', ':where(.css-1y106cm).ant-tooltip{position:absolute;}');
const TOOLTIP_VARS = style(
  'data-css-hash="d"',
  '.css-var-_R_0_.ant-tooltip-css-var{--ant-tooltip-z-index-popup:1070;}',
);
const LINKS = style('data-css-hash="e"', 'a:where(.css-1y106cm){color:var(--ant-color-link);}');
const KEYFRAMES = style('data-css-hash="f"', '@keyframes css-1y106cm-antZoomIn{0%{opacity:0}}');
const PRESENT = style(
  'data-ant-cssinjs-cache-path="data-ant-cssinjs-cache-path"',
  '.data-ant-cssinjs-cache-path{content:"a:b"}',
);
const HEAD = [TOKENS, BUTTON, BUTTON_VARS, TOOLTIP, TOOLTIP_VARS, LINKS, KEYFRAMES, PRESENT].join('');

describe('issue #18 the drawn page carries the styles of what it shows', () => {
  it('X-3 a component not in the markup (a closed tooltip) loses its style elements; what is shown and what belongs to no one component stay', () => {
    const html = '<button class="ant-btn css-1y106cm">刷新</button>';
    expect(shownStyles(HEAD, html)).toBe([TOKENS, BUTTON, BUTTON_VARS, LINKS, KEYFRAMES, PRESENT].join(''));
  });

  it('X-3 a component in the markup keeps every style element of its own', () => {
    const html =
      '<div class="ant-tooltip ant-tooltip-placement-top"><button class="ant-btn">x</button></div>';
    expect(shownStyles(HEAD, html)).toBe(HEAD);
  });
});
