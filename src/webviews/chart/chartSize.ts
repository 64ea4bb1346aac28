/**
 * Keeps a lightweight-charts chart the size of its container. Not the library's `autoSize`: its observer compares the
 * container's size with the size it last applied, which it rounds down to even pixels, so in a container with an odd
 * width or height every observation (the first one included, as the page starts) repaints the whole chart at once,
 * a second full paint before the first one is on screen. Here the chart is resized only when its even size changes,
 * and then painted at once, as `autoSize` does (no frame with a stretched canvas while the user drags a split).
 */
export interface ChartSize {
  readonly width: number;
  readonly height: number;
}

/** The size the chart takes in a box of `width` × `height` CSS pixels: whole and even, as lightweight-charts sizes itself. */
export function chartSizeFor(width: number, height: number): ChartSize {
  const even = (n: number) => {
    const whole = Math.max(0, Math.floor(n));
    return whole - (whole % 2);
  };
  return { width: even(width), height: even(height) };
}

/** Observes `container` and calls `resize` with each new chart size; returns the stop. */
export function followContainerSize(container: HTMLElement, initial: ChartSize, resize: (size: ChartSize) => void): () => void {
  let current = initial;
  const observer = new ResizeObserver((entries) => {
    const rect = entries[entries.length - 1]?.contentRect;
    if (!rect) return;
    const next = chartSizeFor(rect.width, rect.height);
    if (next.width === current.width && next.height === current.height) return;
    current = next;
    resize(next);
  });
  observer.observe(container);
  return () => observer.disconnect();
}
