import { Grid } from 'antd';

/**
 * Whether the screen is a phone's: narrower than Ant Design's `md` breakpoint (768 px). Pages a
 * person must act on from a phone (issue #17) lay themselves out for it: the menu in a drawer,
 * cards instead of a table's columns, what waits for the person first.
 */
export function usePhone(): boolean {
  return !Grid.useBreakpoint().md;
}
