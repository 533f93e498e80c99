import { useEffect, useRef, useState } from 'react';

/**
 * Whether an element has come on screen (or within `margin` of it) yet: true from then on. For a
 * part whose code is fetched only when someone is about to see it (issue #18). Without
 * IntersectionObserver (an old browser) it counts as on screen at once.
 */
export function useNearScreen<T extends Element>(margin = '0px') {
  const ref = useRef<T>(null);
  const [near, setNear] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (near || !element) return;
    if (typeof IntersectionObserver === 'undefined') {
      setNear(true);
      return;
    }
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) setNear(true);
      },
      { rootMargin: margin },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [near, margin]);
  return [near, ref] as const;
}
