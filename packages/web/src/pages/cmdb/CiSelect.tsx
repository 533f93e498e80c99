import '../../i18n/zh.cmdb';
import { useEffect, useState } from 'react';
import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Ci } from '../../api/types';
import { useCiSearch } from './cmdb.api';
import { environmentLabel } from './CiTags';
import { useCiTypes } from './useCiTypes';

function useDebounced<T>(value: T, delayMs: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(value), delayMs);
    return () => window.clearTimeout(timer);
  }, [value, delayMs]);
  return debounced;
}

interface CiSelectProps {
  id?: string;
  /** Ids not offered (e.g. the CI itself). */
  exclude?: readonly string[];
  placeholder?: string;
  'aria-label'?: string;
  'data-testid'?: string;
}

type SingleProps = CiSelectProps & { multiple?: false; value?: string; onChange?: (id: string) => void };
type MultipleProps = CiSelectProps & { multiple: true; value?: string[]; onChange?: (ids: string[]) => void };

/** Picks active CIs by searching the server as one types (name, version, description, attributes). */
export function CiSelect(props: SingleProps | MultipleProps) {
  const { t } = useTranslation();
  const types = useCiTypes();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 250);
  const [known, setKnown] = useState<Map<string, Ci>>(new Map());
  const found = useCiSearch(q);

  const items = found.data?.items ?? [];
  const exclude = new Set(props.exclude ?? []);
  const label = (ci: Ci) =>
    `${ci.name} · ${types.typeName(ci.type)} · ${environmentLabel(t, ci.environment)}`;
  const chosen = props.multiple ? (props.value ?? []) : props.value ? [props.value] : [];
  const options = [
    ...chosen
      .filter((id) => !items.some((c) => c.id === id))
      .map((id) => known.get(id))
      .filter((c) => c !== undefined),
    ...items.filter((c) => !exclude.has(c.id)),
  ].map((ci) => ({ value: ci.id, label: label(ci) }));

  const remember = (ids: string[]) =>
    setKnown((previous) => {
      const next = new Map(previous);
      for (const id of ids) {
        const ci = items.find((c) => c.id === id);
        if (ci) next.set(id, ci);
      }
      return next;
    });

  const common = {
    id: props.id,
    showSearch: { filterOption: false, onSearch: setSearch },
    loading: found.isFetching,
    options,
    placeholder: props.placeholder ?? t('cmdb.pickCi'),
    notFoundContent: found.isFetching ? t('app.loading') : t('cmdb.noCiFound'),
    style: { width: '100%' },
    'aria-label': props['aria-label'],
    'data-testid': props['data-testid'],
  };
  if (props.multiple) {
    return (
      <Select<string[]>
        {...common}
        mode="multiple"
        allowClear
        value={props.value}
        onChange={(ids) => {
          remember(ids);
          props.onChange?.(ids);
        }}
      />
    );
  }
  return (
    <Select<string>
      {...common}
      value={props.value}
      onChange={(id) => {
        remember([id]);
        props.onChange?.(id);
        setSearch('');
      }}
    />
  );
}
