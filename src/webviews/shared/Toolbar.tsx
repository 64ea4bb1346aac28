/** A panel's toolbar (market · selectors · spacer · badge), its words kept whole in a narrow split (toolbarFit.ts). */
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { fitToolbar } from './toolbarFit';

export function Toolbar({ children }: { children: ComponentChildren }) {
  const ref = useRef<HTMLElement>(null);
  useLayoutEffect(() => {
    if (!ref.current) return;
    const fitting = fitToolbar(ref.current);
    return () => fitting.dispose();
  }, []);
  return (
    <header class="toolbar" ref={ref}>
      {children}
    </header>
  );
}
