/** Decision 0028: a change of who may act reaches every node within this long. */
export const REVOCATION_BOUND_MS = 1000;

/**
 * Asks until `refused` holds: how long it took, and how many asks (1: the very next request was
 * refused, which is what SQLite promises whatever the machine's load). Fails after the bound and a margin.
 */
export async function untilRefused(refused: () => Promise<boolean>): Promise<{ ms: number; asks: number }> {
  const started = performance.now();
  let asks = 1;
  while (!(await refused())) {
    if (performance.now() - started > REVOCATION_BOUND_MS * 3) throw new Error('never refused');
    await new Promise((resolve) => setTimeout(resolve, 5));
    asks++;
  }
  return { ms: performance.now() - started, asks };
}

/** Asks until `refused` holds, and answers how long it took. */
export const timeUntil = async (refused: () => Promise<boolean>): Promise<number> =>
  (await untilRefused(refused)).ms;
