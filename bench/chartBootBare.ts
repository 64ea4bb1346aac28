/**
 * The baseline of `bench chartboot`: a bare lightweight-charts page as the library's docs write one (autoSize chart,
 * candlesticks and a volume histogram, `setData` of the bars inlined in the page), bundled and minified like ours.
 * It marks when its bars are painted: two animation frames after `setData`, as the chart page reports it.
 */
import { CandlestickSeries, createChart, HistogramSeries, type UTCTimestamp } from 'lightweight-charts';

type Wire = [time: number, open: number, high: number, low: number, close: number, volume: number];

const bars = JSON.parse(document.getElementById('bars')?.textContent ?? '[]') as Wire[];
const host = document.getElementById('chart') as HTMLElement;
const chart = createChart(host, { autoSize: true, timeScale: { timeVisible: true } });
const candles = chart.addSeries(CandlestickSeries);
const volume = chart.addSeries(HistogramSeries, { priceScaleId: '', priceFormat: { type: 'volume' } });
volume.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
candles.setData(bars.map(([t, open, high, low, close]) => ({ time: (t / 1000) as UTCTimestamp, open, high, low, close })));
volume.setData(bars.map(([t, , , , , v]) => ({ time: (t / 1000) as UTCTimestamp, value: v })));
requestAnimationFrame(() => requestAnimationFrame(() => ((window as unknown as { __painted: number }).__painted = performance.now())));
