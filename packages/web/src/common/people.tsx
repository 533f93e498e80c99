import { useMemo } from 'react';
import { Select, Tooltip } from 'antd';
import type { SelectProps } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';

export const peopleQueryKey = ['people'] as const;

/**
 * Records keep usernames (unambiguous, stable); people read names. One directory per session,
 * refreshed now and then, turns the one into the other everywhere.
 */
function usePeopleDirectory() {
  return useQuery({
    queryKey: peopleQueryKey,
    queryFn: () => api.GET('/api/people'),
    staleTime: 5 * 60_000,
  });
}

export function usePeople(): (username: string | null | undefined) => string {
  const { data } = usePeopleDirectory();
  // One map per loaded directory, not one per name shown (tables render a name per row).
  return useMemo(() => {
    const byUsername = new Map((data?.people ?? []).map((p) => [p.username, p]));
    // Names recorded as display names already (and system actors) are not in the directory: shown as they are.
    return (username: string | null | undefined) =>
      username ? (byUsername.get(username)?.displayName ?? username) : '';
  }, [data]);
}

/** A person's display name, with the username on hover (the audit trail's key). */
export function PersonName({ username }: { username: string | null | undefined }) {
  const nameOf = usePeople();
  if (!username) return null;
  const name = nameOf(username);
  return name === username ? (
    <span>{name}</span>
  ) : (
    <Tooltip title={username}>
      <span>{name}</span>
    </Tooltip>
  );
}

/**
 * One account chosen by name or user name, from the enabled people (a disabled account already
 * chosen stays shown as it is, for the server to name).
 */
export function PersonSelect(props: Omit<SelectProps<string>, 'options' | 'showSearch' | 'mode'>) {
  const { data, isLoading } = usePeopleDirectory();
  const options = useMemo(
    () =>
      (data?.people ?? [])
        .filter((p) => !p.disabled)
        .map((p) => ({ value: p.username, label: `${p.displayName} (${p.username})` })),
    [data],
  );
  return (
    <Select<string>
      {...props}
      showSearch={{ optionFilterProp: 'label' }}
      allowClear
      loading={isLoading}
      options={options}
    />
  );
}
