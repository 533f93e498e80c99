import '../../i18n/zh.knowledge';
import { useEffect, useState } from 'react';
import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { environmentLabel } from '../cmdb/CiTags';
import { useCiSearch } from '../cmdb/cmdb.api';
import { useCiTypes } from '../cmdb/useCiTypes';
import { useReleaseSearch } from '../releases/releases.api';

export interface LinkOption {
  value: string;
  label: string;
}

function useDebounced<T>(value: T, delayMs: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(value), delayMs);
    return () => window.clearTimeout(timer);
  }, [value, delayMs]);
  return debounced;
}

interface LinkSelectProps {
  id?: string;
  value?: string[];
  onChange?: (ids: string[]) => void;
  /** Labels of ids already linked (the article knows their names), so they never show as ids. */
  known?: readonly LinkOption[];
  placeholder?: string;
  'data-testid'?: string;
}

/** Several releases or CIs, found by searching the server as one types. */
function SearchSelect({
  props,
  useOptions,
}: {
  props: LinkSelectProps;
  /** A query hook: the options matching the text typed, and whether a search is under way. */
  useOptions: (q: string) => { options: LinkOption[] | undefined; fetching: boolean };
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 250);
  const [seen, setSeen] = useState<Map<string, string>>(
    () => new Map(props.known?.map((o) => [o.value, o.label])),
  );
  const found = useOptions(q);
  const results = found.options ?? [];
  const chosen = (props.value ?? [])
    .filter((id) => !results.some((o) => o.value === id))
    .map((id) => ({ value: id, label: seen.get(id) ?? id.slice(0, 8) }));
  return (
    <Select<string[]>
      id={props.id}
      mode="multiple"
      allowClear
      showSearch={{ filterOption: false, onSearch: setText }}
      loading={found.fetching}
      value={props.value}
      options={[...chosen, ...results]}
      placeholder={props.placeholder}
      notFoundContent={found.fetching ? t('app.loading') : t('knowledge.none')}
      onChange={(ids) => {
        setSeen((previous) => {
          const next = new Map(previous);
          for (const o of results) if (ids.includes(o.value)) next.set(o.value, o.label);
          return next;
        });
        props.onChange?.(ids);
      }}
      style={{ width: '100%' }}
      data-testid={props['data-testid']}
    />
  );
}

function useReleaseOptions(q: string) {
  const found = useReleaseSearch(q);
  return {
    options: found.data?.map((r) => ({ value: r.id, label: `${r.number} ${r.title}` })),
    fetching: found.isFetching,
  };
}

function useCiOptions(q: string) {
  const { t } = useTranslation();
  const types = useCiTypes();
  const found = useCiSearch(q);
  return {
    options: found.data?.items.map((ci) => ({
      value: ci.id,
      label: `${ci.name} · ${types.typeName(ci.type)} · ${environmentLabel(t, ci.environment)}`,
    })),
    fetching: found.isFetching,
  };
}

export function ReleaseLinkSelect(props: LinkSelectProps) {
  return <SearchSelect props={props} useOptions={useReleaseOptions} />;
}

export function CiLinkSelect(props: LinkSelectProps) {
  return <SearchSelect props={props} useOptions={useCiOptions} />;
}
