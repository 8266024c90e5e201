// A virtualized list for Preact on @tanstack/virtual-core: only the rows in view (and a
// few around them) are in the DOM, so a list of 10,000 items scrolls like one of 20.
import { useEffect, useLayoutEffect, useReducer, useRef, useState } from 'preact/hooks';
import { elementScroll, observeElementOffset, observeElementRect, Virtualizer } from '@tanstack/virtual-core';

export function useVirtualList(count: number, rowHeight: number) {
  const scrollRef = useRef<HTMLElement | null>(null);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const [virtualizer] = useState(
    () =>
      new Virtualizer<HTMLElement, HTMLElement>({
        count,
        getScrollElement: () => scrollRef.current,
        estimateSize: () => rowHeight,
        overscan: 8,
        scrollToFn: elementScroll,
        observeElementRect,
        observeElementOffset,
        onChange: () => rerender(0),
      }),
  );
  virtualizer.setOptions({ ...virtualizer.options, count });
  useEffect(() => virtualizer._didMount(), []);
  useLayoutEffect(() => virtualizer._willUpdate());
  return { scrollRef, virtualizer, items: virtualizer.getVirtualItems(), totalSize: virtualizer.getTotalSize() };
}
