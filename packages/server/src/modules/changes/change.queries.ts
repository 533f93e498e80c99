import { changeLabel } from './change.service';
import * as repo from './change.repository';

export interface ChangeApproval {
  id: string;
  number: string;
  title: string;
  state: string;
  /** IN-1: formally approved by change management now (not rejected, withdrawn, implemented or unknown). */
  approved: boolean;
  /** IN-1, TY-4: approved by the emergency CAB (serves an emergency release only). */
  expedited: boolean;
  /** e.g. `CHG-2026-0007 数据库扩容 (submitted)`, or `<id> (unknown)`. */
  label: string;
}

/**
 * IN-1/IN-2: whether each change is approved, for other modules (release intake, implementation
 * start), inside their own transaction if they pass one. The callers check their own permissions.
 * In the order asked; an unknown id comes back with state 'unknown'.
 */
export async function changeApprovals(q: repo.Queryable, ids: string[]): Promise<ChangeApproval[]> {
  const found = new Map((await repo.findChangesByIds(q, [...new Set(ids)])).map((c) => [c.id, c]));
  return ids.map((id) => {
    const c = found.get(id);
    if (!c)
      return {
        id,
        number: '',
        title: '',
        state: 'unknown',
        approved: false,
        expedited: false,
        label: `${id} (unknown)`,
      };
    return {
      id,
      number: c.number,
      title: c.title,
      state: c.state,
      approved: c.state === 'approved',
      expedited: c.approvedVia === 'emergency_cab',
      label: `${changeLabel(c)} (${c.state})`,
    };
  });
}
