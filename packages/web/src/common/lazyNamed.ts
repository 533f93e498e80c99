import { lazy, type ComponentType } from 'react';

/**
 * A component fetched when it is first shown (issue #18): `lazyNamed(() => import('./X'), 'X')`
 * for a module's named export, so a page, a tab or a heavy library stays out of the first download.
 */
export function lazyNamed<M, K extends keyof M & string>(
  load: () => Promise<M>,
  name: K,
): M[K] extends ComponentType<infer P> ? React.LazyExoticComponent<ComponentType<P>> : never;
export function lazyNamed(load: () => Promise<Record<string, ComponentType>>, name: string) {
  return lazy(async () => ({ default: (await load())[name] }));
}
