import type { Browser } from 'playwright-core';
import { screenshot } from './browser';

/**
 * After a failed test: a picture of every open page, named by the test's requirement IDs
 * (`failed-<prefix>-IM-2-IM-3-0.png`), to see what the browser showed when it gave up.
 */
export async function screenshotFailure(
  browser: Browser,
  task: { name: string; result?: { state?: string } },
  prefix: string,
): Promise<void> {
  if (task.result?.state !== 'fail') return;
  const ids = task.name.split(/[：:]/)[0].replace(/\W+/g, '-');
  const open = browser.contexts().flatMap((c) => c.pages());
  for (const [i, page] of open.entries())
    await screenshot(page, `failed-${prefix}-${ids}-${i}`).catch(() => undefined);
}
