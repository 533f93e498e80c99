/**
 * The style elements of the components `html` shows (issue #18). A component registers its
 * styles when it renders, shown or not: a closed tooltip or popover, a suspense fallback's spinner
 * replaced before the page was done, a button's click wave. Their CSS (a quarter of a page's)
 * would only slow the phone's first paint, which parses every rule. A style element whose
 * component's class (`ant-tooltip`) is nowhere in the markup is left out; Ant Design's code in
 * the browser writes it when that component first renders there (it checks each style it was
 * told of and writes those it does not find). Elements of no one component — the theme's
 * variables, links, keyframes, the list of what is present — are all kept.
 */
export function shownStyles(head: string, html: string): string {
  return head.replace(/<style\b[^>]*>([^<]*)<\/style>/g, (element, css: string) => {
    // `:where(.css-1y106cm).ant-tooltip{…` and `.css-var-_R_0_.ant-tooltip-css-var{…` are the tooltip's.
    const component = /^(?::where\([^)]*\)|\.css-var-[\w-]+)\.(ant-[a-z]+)/.exec(css)?.[1];
    return component === undefined || html.includes(component) ? element : '';
  });
}
