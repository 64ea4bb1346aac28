/**
 * lightweight-charts faked for a unit test of the chart page's ChartView without a browser (the real one is an ES
 * module for browsers: `require` cannot load it). Importing this module makes `'lightweight-charts'` resolve to a
 * chart that records what each series holds (`setData`, `update`); the globals ChartView touches are put in by
 * `installChartGlobals()`. A test makes its chart with `fakeChartContainer()`.
 */
import Module from 'node:module';

/** A series as the fake chart holds it: its kind and the points it was last given. */
export interface FakeSeries {
  readonly kind: string;
  data: { readonly time: number }[];
  removed: boolean;
}

/** Every series made by the fake charts, in order (a test may empty it). */
export const fakeSeries: FakeSeries[] = [];

const noop = (): void => undefined;
const seriesDef = (kind: string) => ({ kind });

function createChart(): unknown {
  let range: { from: number; to: number } | null = null;
  const rangeListeners = new Set<() => void>();
  const timeScale = {
    subscribeVisibleLogicalRangeChange: (f: () => void) => rangeListeners.add(f),
    unsubscribeVisibleLogicalRangeChange: (f: () => void) => rangeListeners.delete(f),
    getVisibleLogicalRange: () => range,
    setVisibleLogicalRange: (r: { from: number; to: number }) => {
      range = { from: r.from, to: r.to };
      for (const f of rangeListeners) f();
    },
    scrollToPosition: noop,
    options: () => ({ rightOffset: 5 }),
    applyOptions: noop,
    height: () => 28,
  };
  const priceScale = { applyOptions: noop, width: () => 60 };
  return {
    addSeries: (def: { kind: string }) => {
      const record: FakeSeries = { kind: def.kind, data: [], removed: false };
      fakeSeries.push(record);
      return {
        record,
        setData: (points: { time: number }[]) => void (record.data = [...points]),
        update: (p: { time: number }) => {
          const i = record.data.findIndex((d) => d.time === p.time);
          if (i >= 0) record.data[i] = p;
          else record.data.push(p);
        },
        data: () => record.data,
        applyOptions: noop,
        priceScale: () => priceScale,
        createPriceLine: () => ({ applyOptions: noop }),
        removePriceLine: noop,
        attachPrimitive: noop,
        detachPrimitive: noop,
      };
    },
    removeSeries: (s: { record: FakeSeries }) => void (s.record.removed = true),
    applyOptions: noop,
    subscribeCrosshairMove: noop,
    unsubscribeCrosshairMove: noop,
    timeScale: () => timeScale,
    priceScale: () => priceScale,
    panes: () => [{ getHeight: () => 400, setHeight: noop, setStretchFactor: noop }],
    resize: noop,
    remove: noop,
  };
}

const fake = {
  createChart,
  createSeriesMarkers: () => ({ setMarkers: noop, detach: noop }),
  customSeriesDefaultOptions: {},
  CandlestickSeries: seriesDef('Candlestick'),
  HistogramSeries: seriesDef('Histogram'),
  LineSeries: seriesDef('Line'),
  ColorType: { Solid: 'solid' },
  CrosshairMode: { Normal: 0 },
  LineStyle: { Solid: 0, Dotted: 1, Dashed: 2, LargeDashed: 3, SparseDotted: 4 },
};

const FAKE_PATH = '/fake/lightweight-charts.js';
const M = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string; _cache: Record<string, unknown> };
const resolve = M._resolveFilename;
M._resolveFilename = (request: string, ...rest: unknown[]) => (request === 'lightweight-charts' ? FAKE_PATH : resolve(request, ...rest));
const cached = new Module(FAKE_PATH);
cached.exports = fake;
cached.loaded = true;
M._cache[FAKE_PATH] = cached;

type ChartGlobals = { window?: unknown; ResizeObserver?: unknown };

/** Stand-ins for the globals ChartView touches (window listeners, ResizeObserver); returns the restore. */
export function installChartGlobals(): () => void {
  const g = globalThis as ChartGlobals;
  const saved: ChartGlobals = { window: g.window, ResizeObserver: g.ResizeObserver };
  g.window = { addEventListener: noop, removeEventListener: noop };
  g.ResizeObserver = class {
    observe = noop;
    disconnect = noop;
  };
  return () => void Object.assign(g, saved);
}

/** A chart's container of 800 × 400 px. */
export function fakeChartContainer(): HTMLElement {
  return { getBoundingClientRect: () => ({ width: 800, height: 400, top: 0, left: 0, right: 800, bottom: 400 }), addEventListener: noop, removeEventListener: noop } as unknown as HTMLElement;
}
