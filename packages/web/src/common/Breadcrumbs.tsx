import { Fragment, type CSSProperties, type ReactNode } from 'react';
import { theme } from 'antd';

/**
 * antd's Breadcrumb as it looks for a plain trail of links (issue #18): antd's brings Dropdown and
 * Menu along for item menus, which a detail page opened on a phone does not need.
 */
export function Breadcrumbs({ items, style }: { items: ReactNode[]; style?: CSSProperties }) {
  const { token } = theme.useToken();
  return (
    <nav
      aria-label="breadcrumb"
      style={{
        color: token.colorTextDescription,
        fontSize: token.fontSize,
        lineHeight: token.lineHeight,
        ...style,
      }}
    >
      <ol style={{ display: 'flex', flexWrap: 'wrap', listStyle: 'none', margin: 0, padding: 0 }}>
        {items.map((item, i) => (
          <Fragment key={i}>
            {i > 0 && (
              <li aria-hidden="true" style={{ marginInline: token.marginXS }}>
                /
              </li>
            )}
            <li style={i === items.length - 1 ? { color: token.colorText } : undefined}>{item}</li>
          </Fragment>
        ))}
      </ol>
    </nav>
  );
}
