// The one place that may use antd's InputNumber (eslint.config.js): every number field of the app
// goes through NumberInput, which never changes what was typed.
import { InputNumber, type InputNumberProps } from 'antd';
import { normalizeTypedNumber } from './numbers';

/** InputNumber without the props that silently replace a typed number (bounds, rounding). */
export type NumberInputProps = Omit<
  InputNumberProps<number>,
  'min' | 'max' | 'precision' | 'parser' | 'stringMode'
>;

/**
 * a number field that keeps the number as typed: no `min`/`max` (InputNumber moves a number
 * outside them to the nearest bound on blur: −5 became 0.5) and no `precision` (it rounds 1.5 to
 * 2). The bounds and whether a whole number is needed are form rules (`numberRule`), said next to
 * the field and blocking the save.
 */
export function NumberInput(props: NumberInputProps) {
  return <InputNumber<number> {...props} parser={parseTyped} />;
}

/**
 * The parser hands the number on as decimal text, as InputNumber's own does: its typing says a
 * number, but a number cannot say "not a number yet" (1e, −) or "empty" (Number('') is 0).
 */
const parseTyped = (text: string | undefined) => normalizeTypedNumber(text ?? '') as unknown as number;
