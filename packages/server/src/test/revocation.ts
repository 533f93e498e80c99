/** Decision 0028: a change of who may act reaches every node within this long. */
export const REVOCATION_BOUND_MS = 1000;

/** Asks until `refused` holds, and answers how long it took; fails after the bound and a margin. */
export async function timeUntil(refused: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  while (!(await refused())) {
    if (performance.now() - started > REVOCATION_BOUND_MS * 3) throw new Error('never refused');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return performance.now() - started;
}
