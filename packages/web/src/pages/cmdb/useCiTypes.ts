import { useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttributeField, CiType, LocalizedText } from '../../api/types';
import { useCiTypesQuery } from './cmdb.api';

/** The text for the interface language. */
export function useLocalized(): (text: LocalizedText) => string {
  const { i18n } = useTranslation();
  const english = i18n.language === 'en';
  return useCallback((text: LocalizedText) => (english ? text.en : text.zh), [english]);
}

export interface CiTypes {
  types: CiType[];
  loading: boolean;
  error: unknown;
  byKey: Map<string, CiType>;
  /** The type's name in the interface language; the key itself for an unknown type. */
  typeName: (key: string) => string;
  /** An attribute's label (`ip` → "IP 地址"), or the key when the type does not declare it. */
  fieldLabel: (typeKey: string, fieldKey: string) => string;
  field: (typeKey: string, fieldKey: string) => AttributeField | undefined;
}

/** CI types and their attribute fields, as the server defines them (they rarely change). */
export function useCiTypes(): CiTypes {
  const localized = useLocalized();
  const query = useCiTypesQuery();
  return useMemo(() => {
    const types = query.data ?? [];
    const byKey = new Map(types.map((t) => [t.key, t]));
    const field = (typeKey: string, fieldKey: string) =>
      byKey.get(typeKey)?.fields.find((f) => f.key === fieldKey);
    return {
      types,
      loading: query.isPending,
      error: query.error,
      byKey,
      typeName: (key: string) => {
        const type = byKey.get(key);
        return type ? localized(type.name) : key;
      },
      field,
      fieldLabel: (typeKey: string, fieldKey: string) => {
        const f = field(typeKey, fieldKey);
        return f ? localized(f.label) : fieldKey;
      },
    };
  }, [query.data, query.isPending, query.error, localized]);
}
