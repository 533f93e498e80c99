/** Row type of the job table, as the database holds it (times ISO text, payload JSON text). */
export interface JobsTable {
  id: string;
  kind: string;
  /** Unique when set: enqueueing an existing key does nothing. */
  key: string | null;
  payload: string;
  due_at: string;
  /** pending | running | done | failed | cancelled */
  state: string;
  /** How many times the job has been leased (a lease that expired counts). */
  attempts: number;
  lease_owner: string | null;
  lease_until: string | null;
  last_error: string | null;
  created_at: string;
  done_at: string | null;
}
