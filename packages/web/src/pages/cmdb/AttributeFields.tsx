import '../../i18n/zh.cmdb';
import { Form, Input, Select } from 'antd';
import { BeijingDatePicker } from '../../common/beijingPickers';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { AttributeField, CiType } from '../../api/types';
import { NumberInput } from '../../common/NumberInput';
import { useLocalized } from './useCiTypes';

const DATE_FORMAT = 'YYYY-MM-DD';

/** A type's attribute fields as form items under `attributes.<key>`, each by its kind. */
export function AttributeFields({ type }: { type: CiType | undefined }) {
  const { t } = useTranslation();
  const localized = useLocalized();
  if (!type || type.fields.length === 0) return null;
  return (
    <fieldset className="rg-fieldset" data-testid="ci-attribute-fields">
      <legend>{t('cmdb.attributesOf', { type: localized(type.name) })}</legend>
      {type.fields.map((field) => (
        <Form.Item
          key={field.key}
          name={['attributes', field.key]}
          label={localized(field.label)}
          rules={field.required ? [{ required: true, message: t('common.required') }] : undefined}
        >
          <AttributeInput field={field} />
        </Form.Item>
      ))}
    </fieldset>
  );
}

function AttributeInput({
  field,
  value,
  onChange,
  id,
}: {
  field: AttributeField;
  value?: unknown;
  onChange?: (value: unknown) => void;
  id?: string;
}) {
  const { t } = useTranslation();
  switch (field.kind) {
    case 'number':
      return (
        <NumberInput
          id={id}
          value={typeof value === 'number' ? value : null}
          onChange={(v) => onChange?.(v ?? undefined)}
          style={{ width: '100%' }}
        />
      );
    case 'boolean':
      return (
        <Select<'true' | 'false'>
          id={id}
          allowClear
          value={typeof value === 'boolean' ? (value ? 'true' : 'false') : undefined}
          onChange={(v) => onChange?.(v === undefined ? undefined : v === 'true')}
          placeholder={t('cmdb.notSet')}
          options={[
            { value: 'true', label: t('common.yes') },
            { value: 'false', label: t('common.no') },
          ]}
        />
      );
    case 'date':
      return (
        <BeijingDatePicker
          id={id}
          value={typeof value === 'string' && value ? dayjs(value) : null}
          onChange={(d: Dayjs | null) => onChange?.(d ? d.format(DATE_FORMAT) : undefined)}
          format={DATE_FORMAT}
          style={{ width: '100%' }}
        />
      );
    case 'enum':
      return (
        <Select<string>
          id={id}
          allowClear
          value={typeof value === 'string' ? value : undefined}
          onChange={(v) => onChange?.(v)}
          placeholder={t('cmdb.notSet')}
          options={(field.options ?? []).map((o) => ({ value: o, label: o }))}
        />
      );
    case 'ip':
      return (
        <Input
          id={id}
          className="rg-mono"
          placeholder="10.0.0.8 / fd00::8"
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange?.(e.target.value)}
        />
      );
    case 'string':
      return (
        <Input
          id={id}
          value={typeof value === 'string' ? value : typeof value === 'number' ? String(value) : ''}
          onChange={(e) => onChange?.(e.target.value)}
        />
      );
  }
}

/** The attributes a type declares, without empty values: what the server expects. */
export function cleanAttributes(type: CiType | undefined, values: Record<string, unknown> | undefined) {
  const result: Record<string, unknown> = {};
  if (!type) return result;
  for (const field of type.fields) {
    const v = values?.[field.key];
    if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) continue;
    result[field.key] = typeof v === 'string' ? v.trim() : v;
  }
  return result;
}
