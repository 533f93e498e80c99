import { cloneElement, Suspense, useState, type ReactElement } from 'react';
import type { MenuProps } from 'antd';
import { lazyNamed } from './lazyNamed';

const OpenDropdown = lazyNamed(() => import('./OpenDropdown'), 'OpenDropdown');

/**
 * A menu on click whose code (antd's Dropdown and Menu) is fetched on the first click (issue #18):
 * until then only the trigger is drawn.
 */
export function LazyDropdown({
  menu,
  children,
}: {
  menu: MenuProps;
  children: ReactElement<{ onClick?: () => void }>;
}) {
  const [wanted, setWanted] = useState(false);
  if (!wanted) return cloneElement(children, { onClick: () => setWanted(true) });
  return (
    <Suspense fallback={children}>
      <OpenDropdown menu={menu}>{children}</OpenDropdown>
    </Suspense>
  );
}
