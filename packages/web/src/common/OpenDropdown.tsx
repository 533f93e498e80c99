import { useState, type ReactElement } from 'react';
import { Dropdown, type MenuProps } from 'antd';

/** antd's Dropdown on click, open from its first render (it is shown on the click that loaded it). */
export function OpenDropdown({ menu, children }: { menu: MenuProps; children: ReactElement }) {
  const [open, setOpen] = useState(true);
  return (
    <Dropdown trigger={['click']} open={open} onOpenChange={setOpen} menu={menu}>
      {children}
    </Dropdown>
  );
}
