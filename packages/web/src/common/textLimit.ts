import type { InputProps } from 'antd';

/**
 * a text field's limit, shown instead of enforced by cutting. `maxLength` silently drops
 * what is typed or pasted beyond the limit; this lets the text stay as it is, shows the count once
 * it nears the limit and marks it red beyond it, and the server's refusal (naming the field and
 * its limit) lands next to the field.
 */
export function textLimit(max: number): NonNullable<InputProps['count']> {
  return {
    max,
    show: ({ count }) => (count >= max * 0.8 ? `${count} / ${max}` : null),
  };
}
