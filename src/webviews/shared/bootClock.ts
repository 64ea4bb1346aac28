/**
 * When this page's script started, taken as the bundle's first module runs (import it first): with the page's own
 * navigation and resource timings it tells where a panel's first start goes (the workbench, the bundle, our code).
 */
import type { PageBoot } from '../../shared/protocol';

const scriptStartMs = performance.now();

/** Epoch ms on this page's clock (the host compares them with its own, on the same machine). */
export const epochMs = (ms = performance.now()) => Math.round(performance.timeOrigin + ms);

/** The page's boot so far. */
export function pageBoot(): PageBoot {
  const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  const script = performance
    .getEntriesByType('resource')
    .find((e): e is PerformanceResourceTiming => new URL(e.name).pathname.endsWith('.js') && (e as PerformanceResourceTiming).initiatorType === 'script');
  return {
    timeOrigin: Math.round(performance.timeOrigin),
    ...(nav && nav.responseEnd > 0 ? { documentLoaded: epochMs(nav.responseEnd) } : {}),
    ...(script && script.responseEnd > 0 ? { scriptFetchStart: epochMs(script.fetchStart), scriptFetched: epochMs(script.responseEnd), scriptBytes: script.decodedBodySize } : {}),
    scriptStart: epochMs(scriptStartMs),
    ready: epochMs(),
  };
}

