/** Chart webview: candles, volume, EMAs and markers with lightweight-charts v5; a timeframe switcher; a legend. */
import { epochMs } from '../shared/bootClock'; // first: its clock starts as the bundle starts running
import '../../../media/chart.css';
import { render } from 'preact';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { DerivativesWire, FootprintLoadingWire, HistoryNote, HostMessage, MarketRef, VolumeProfileMode } from '../../shared/protocol';
import { ConnectionBadge } from '../shared/ConnectionBadge';
import { ConnectionState } from '../shared/connection';
import { setBodyData } from '../shared/dataset';
import { formatClockUtc } from '../shared/format';
import { footprintLoadingLabel, footprintLoadingTitle } from './footprintLoading';
import { ErrorBanner } from '../shared/ErrorBanner';
import { MarketLabel } from '../shared/MarketLabel';
import { Toolbar } from '../shared/Toolbar';
import { ReplayBar } from '../shared/ReplayBar';
import { Select, type SelectOption } from '../shared/Select';
import { Store } from '../shared/store';
import { readTheme, useTheme } from '../shared/theme';
import { handlePanelMessage } from '../shared/latestPerBatch';
import { getState, installErrorReporting, onMessage, post, postReady, rememberPanel, setState } from '../shared/vscode';
import { ChartView, type LegendState } from './chartView';
import { FlowBook } from './flowBook';
import { seriesKey } from './footprintModel';
import { Legend } from './Legend';
import { EDGE_BARS, OlderBarsEdge, type EdgeState } from './olderBarsEdge';
import { OlderBarsIndicator } from './OlderBarsIndicator';
import { NewestButton } from './NewestButton';
import { flowsChanged, planSnapshot, type SnapshotLook } from './snapshotPlan';
import { keepView, parseKeptView, sameView, viewRange, type KeptView } from './keptView';
import { VolumeProfileAsks } from './volumeProfileAsks';
import { endPreview } from './previewEnd';

interface Meta {
  readonly market: MarketRef;
  readonly timeframe: string;
  readonly timeframes: readonly SelectOption[];
}

const legendStore = new Store<LegendState>({ bar: null, emas: [], decimals: 2, hovering: false, partialSince: null });
/** The view's right edge is on an older bar than the newest (the newest button shows). */
const behindNewest = new Store(false);
const flowBook = new FlowBook();
const flowAt = (timeMs: number) => flowBook.legendAt(timeMs);
const derivativesStore = new Store<DerivativesWire | null>(null);
const connection = new ConnectionState();
const olderBars = new OlderBarsEdge((params) => post({ method: 'chart/loadOlderBars', params }), new Store<EdgeState>({ status: 'idle' }));

const seriesKeyOf = (market: MarketRef, timeframe: string) => seriesKey(market.exchange, market.symbol, timeframe);
const chooseTimeframe = (timeframe: string) => {
  post({ method: 'chart/setTimeframe', params: { timeframe } });
};
const setFootprint = (on: boolean) => post({ method: 'chart/setFootprint', params: { on } });

function App() {
  const theme = useTheme();
  const hostRef = useRef<HTMLDivElement>(null);
  const viewRef = useRef<ChartView>();
  const legendRef = useRef<HTMLDivElement>(null);
  const retryOlder = useRef<() => void>(() => undefined);
  const askProfile = useRef<(mode: VolumeProfileMode) => void>(() => undefined);
  const [meta, setMeta] = useState<Meta | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [history, setHistory] = useState<HistoryNote | undefined>(undefined);
  const [footprint, setFootprintOn] = useState(false);
  const [profileMode, setProfileMode] = useState<VolumeProfileMode>('visible');
  const [depth, setDepth] = useState<number | null>(null);
  const [loading, setLoading] = useState<FootprintLoadingWire | null>(null);
  const [aggregate, setAggregate] = useState(false);
  const lanesPartialAt = (timeMs: number) => viewRef.current?.lanes.partialAt(timeMs) === true;
  /** An aggregate's open interest and funding at an older bar than the newest (whose are the newest figures). */
  const figuresAt = (timeMs: number) => {
    const view = viewRef.current;
    const newest = view?.lastBar;
    if (!view?.lanes.on || !newest || timeMs >= newest.time * 1000) return undefined;
    return view.lanes.figuresAt(timeMs);
  };

  // A layout effect, not useEffect: preact runs effects only after the next frame, so the chart (and the cached bars
  // inlined in the HTML) waited a frame; now they are set before the page's first frame.
  useLayoutEffect(() => {
    const view = new ChartView(hostRef.current!, readTheme(), legendStore, flowBook);
    viewRef.current = view;
    const profileAsks = new VolumeProfileAsks((mode, confirmed) => {
      view.orderFlow.setVolumeProfile(mode);
      setProfileMode(mode);
      setBodyData('volumeProfile', mode);
      // The host's setting holds this mode (e2e waits on it, not on a clock).
      if (confirmed) setBodyData('volumeProfileSaved', mode);
    });
    askProfile.current = (mode) => {
      profileAsks.ask(mode);
      post({ method: 'chart/setVolumeProfile', params: { mode } });
    };
    const firstTime = () => (view.firstBar ? view.firstBar.time * 1000 : undefined);
    /** The bar at the view's right edge (ms), or 'newest' while the view follows the newest bar (for e2e). */
    const viewRightTime = () => {
      const span = view.viewSpan;
      const kept = span && keepView(seriesShown, view.bars, span.from, span.to);
      return kept && (kept.rightTime === undefined ? 'newest' : kept.rightTime * 1000);
    };
    // The price scale widens with its labels (59,975.00); the legend, over the plot, must not cover them.
    let scaleWidth = 0;
    const publishRightEdge = () => {
      const right = viewRightTime();
      setBodyData('viewRightTime', right);
      behindNewest.set(right !== undefined && right !== 'newest');
      const width = view.priceScaleWidth;
      if (width > 0 && width !== scaleWidth) document.body.style.setProperty('--price-scale-width', `${(scaleWidth = width)}px`);
    };
    const publishData = () => {
      const last = view.lastBar;
      setBodyData('bars', view.barCount);
      setBodyData('firstTime', firstTime());
      setBodyData('viewFrom', view.viewFrom);
      publishRightEdge();
      setBodyData('heldBars', `${view.heldWindow.start}-${view.heldWindow.end}`);
      setBodyData('heldFootprintBars', view.orderFlow.heldBars);
      setBodyData('profilePartialSince', view.orderFlow.profilePartialSince);
      setBodyData('heldFlowBars', view.aggregateFlow.heldBars);
      setBodyData('lastClose', last?.close);
      setBodyData('priceLabel', view.lastPriceLabel);
      setBodyData('lastTime', last ? last.time * 1000 : undefined);
      const flow = flowBook.points;
      setBodyData('flowBars', flow.length);
      setBodyData('cvd', flow[flow.length - 1]?.cvd);
    };
    const handle = (m: HostMessage) => {
      switch (m.method) {
        case 'chart/snapshot': {
          const received = epochMs();
          const p = m.params;
          const series = seriesKeyOf(p.market, p.timeframe);
          const look: SnapshotLook = { rev: p.rev, series, options: p.options, markers: p.markers, tickSize: p.tickSize, footprint: p.footprint === true, legs: p.legs ?? [], flows: p.flows ?? [] };
          const firstDraw = drawn === undefined;
          const plan = planSnapshot(drawn, view.bars, look, p.candles);
          setBodyData('snapshots', ++snapshotsReceived);
          if (plan === 'stale') break;
          // Before the bars are set: setting them can report the view at its left edge at once, which must not ask
          // for bars older than a replay's recording.
          olderBars.historyBegins(p.historyFrom);
          drawn = look;
          if (plan === 'draw') {
            olderBars.replaced(series === seriesShown, view.bars[0]?.time, p.candles[0] === undefined ? undefined : Math.floor(p.candles[0][0] / 1000));
            seriesShown = series;
            view.setSnapshot(p.candles, p.options, p.markers, p.timeframe, series, p.tickSize);
            // The page loaded again (shown after being hidden, or restored after a reload): the view the user left.
            const kept = firstDraw ? parseKeptView(getState<{ view: unknown }>().view) : undefined;
            const range = kept && viewRange(kept, series, view.bars);
            if (range) view.showRange(range.from, range.to);
            setBodyData('snapshotDraws', ++snapshotDraws);
            setBodyData('priceDecimals', String(view.priceDecimals));
            view.aggregateFlow.markPartial(p.legs?.length ? p.candles : [], true);
            view.aggregateFlow.reset(p.legs ?? [], p.flows ?? []);
            setBodyData('partialFlowBars', view.aggregateFlow.partialBars);
            if (!p.legs?.length) view.lanes.remove();
            view.orderFlow.setOn(p.footprint === true, !p.legs?.length);
            view.legendRoom.setWanted(p.footprint === true || (p.legs?.length ?? 0) > 0);
            // Another timeframe or market: its footprint comes in its own chart/footprint; the old bars must not linger.
            view.orderFlow.showSeries(series);
            setBodyData('footprintBars', view.orderFlow.model.size);
            setBodyData('panes', view.orderFlow.paneCount);
          }
          rememberPanel('chart', p.market, p.timeframe, p.footprint === true);
          // Bars held, so the badge can say how old they are; a snapshot without any (a market that failed) holds no data.
          if (p.candles.length > 0) connection.markData(Date.now());
          setMeta((prev) => nextMeta(prev, p.market, p.timeframe, p.timeframes));
          setHistory(p.history);
          setBodyData('history', p.history ?? 'complete');
          setBodyData('timeframe', p.timeframe);
          setBodyData('market', `${p.market.exchange} ${p.market.symbol}`);
          setFootprintOn(p.footprint === true);
          setBodyData('footprint', p.footprint === true ? 'on' : 'off');
          profileAsks.fromHost(p.volumeProfile ?? 'visible');
          setAggregate((p.legs?.length ?? 0) > 0);
          if (p.footprint !== true) {
            setDepth(null);
            setLoading(null);
          }
          const bars = view.barCount;
          if (plan === 'retick') {
            view.setTickSize(p.tickSize);
            setBodyData('priceDecimals', String(view.priceDecimals));
          }
          if (plan === 'unchanged' || plan === 'retick') {
            // Nothing was drawn: the paint times reported stay those of the bars on screen.
            post({ method: 'webview/rendered', params: { kind: 'chart', items: bars } });
            break;
          }
          const applied = epochMs();
          // Painted: lightweight-charts draws on the next animation frame after setData.
          requestAnimationFrame(() =>
            requestAnimationFrame(() => {
              setBodyData('rendered', bars);
              const previewPainted = endPreview();
              post({ method: 'webview/rendered', params: { kind: 'chart', items: bars, times: { received, applied, painted: epochMs(), ...(previewPainted === undefined ? {} : { previewPainted }) } } });
            }),
          );
          break;
        }
        case 'chart/olderBars': {
          const added = view.prependCandles(olderBars.answer(m.params));
          if (added > 0) connection.markData(Date.now());
          break;
        }
        case 'chart/derivatives':
          derivativesStore.set(m.params);
          setBodyData('fundingRate', m.params.fundingRate);
          setBodyData('openInterest', m.params.openInterest);
          setBodyData('markPrice', m.params.markPrice);
          break;
        case 'chart/candles':
          view.applyCandles(m.params.candles);
          if (m.params.flows) {
            view.aggregateFlow.apply(m.params.flows);
            view.aggregateFlow.markPartial(m.params.candles);
            setBodyData('partialFlowBars', view.aggregateFlow.partialBars);
            drawn = flowsChanged(drawn);
          }
          if (m.params.candles.length > 0) connection.markData(Date.now());
          break;
        case 'chart/lanes': {
          // Under the delta and CVD panes only (the host sends every lane again after each snapshot).
          if (!view.aggregateFlow.on) break;
          view.lanes.apply(m.params.bars, m.params.reset === true);
          const last = view.lanes.last;
          setBodyData('liquidationBars', view.lanes.liquidationBars);
          setBodyData('partialLaneBars', view.lanes.partialBars);
          setBodyData('laneOpenInterest', last?.openInterest);
          setBodyData('laneFunding', last?.fundingRate);
          setBodyData('lanesSince', view.lanes.starts.liquidations);
          setBodyData('panes', view.orderFlow.paneCount);
          break;
        }
        case 'chart/footprintLoading':
          setLoading(m.params);
          setBodyData('footprintLoading', footprintLoadingLabel(m.params));
          break;
        case 'chart/footprint': {
          const p = m.params;
          view.orderFlow.setFootprint({ ...p, series: seriesKeyOf(p.market, p.timeframe) });
          setDepth(m.params.depth);
          setLoading(null);
          setBodyData('footprintLoading', undefined);
          setBodyData('footprintBars', view.orderFlow.model.size);
          break;
        }
        case 'chart/volumeProfile':
          profileAsks.fromHost(m.params.mode, m.params.answered);
          break;
        case 'chart/footprintBars':
          view.orderFlow.applyBars(m.params.bars, m.params.deltas);
          setBodyData('footprintBars', view.orderFlow.model.size);
          break;
        default:
          handlePanelMessage(m, { connection, onError: setError });
          break;
      }
    };
    let seriesShown = '';
    /** The last snapshot applied: one with the same bars and look is not drawn again (see snapshotPlan.ts). */
    let drawn: SnapshotLook | undefined;
    // For e2e: snapshots received, and those drawn (bars set in the chart).
    let snapshotsReceived = 0;
    let snapshotDraws = 0;
    const offPaint = view.orderFlow.onPaint((paint) => {
      setBodyData('footprintCells', paint.cellBars);
      setBodyData('footprintRowStep', paint.rowStep);
    });
    const offEdgeState = olderBars.state.subscribe(() => setBodyData('olderBars', olderBars.state.get().status));
    // The view, kept in the webview state for the page's next load (written at most every 250 ms, when it changed).
    let keptView: KeptView | undefined;
    let keepTimer: ReturnType<typeof setTimeout> | undefined;
    const keepViewNow = () => {
      keepTimer = undefined;
      const span = view.viewSpan;
      const next = span && keepView(seriesShown, view.bars, span.from, span.to);
      if (!next || sameView(next, keptView)) return;
      keptView = next;
      setState({ view: next });
      setBodyData('viewKept', next.rightTime === undefined ? 'newest' : next.rightTime * 1000); // for e2e
    };
    const offEdge = view.onLeftEdge(EDGE_BARS, (atEdge) => {
      keepTimer ??= setTimeout(keepViewNow, 250);
      setBodyData('viewFrom', view.viewFrom);
      publishRightEdge();
      olderBars.visible(atEdge, firstTime());
    });
    retryOlder.current = () => olderBars.retry(firstTime());
    const off = onMessage(handle, {
      onBatchEnd: () => {
        view.flush();
        publishData();
      },
      // The cached bars the host put in the HTML: painted without waiting for the ready's round trip.
      inline: true,
    });
    // The legend's size while it shows the newest bar: a hover changes its rows, and must not move the plot.
    const legendBox = new ResizeObserver(() => {
      const el = legendRef.current;
      if (el && !legendStore.get().hovering) view.legendRoom.legendMoved(el.offsetTop + el.offsetHeight);
    });
    if (legendRef.current) legendBox.observe(legendRef.current);
    postReady('chart');
    return () => {
      legendBox.disconnect();
      clearTimeout(keepTimer);
      off();
      offPaint.dispose();
      offEdge();
      offEdgeState();
      view.dispose();
    };
  }, []);

  useEffect(() => {
    viewRef.current?.applyTheme(theme);
    setBodyData('theme', theme.kind); // for e2e: the chart is restyled (it paints on the next frame)
  }, [theme]);
  // An error before any bars were drawn (the market's check failed): its banner must not sit under the preview.
  useEffect(() => {
    if (error) endPreview();
  }, [error]);
  const dismiss = useCallback(() => setError(null), []);
  const retry = useCallback(() => retryOlder.current(), []);
  const toNewest = useCallback(() => viewRef.current?.showNewest(), []);

  return (
    <div class="app chart-app">
      <Toolbar>
        <MarketLabel market={meta?.market} />
        {meta && meta.timeframes.length > 0 && <Select class="select-timeframe" label="Timeframe" value={meta.timeframe} options={meta.timeframes} onChange={chooseTimeframe} />}
        <button
          type="button"
          class="tool-button footprint-toggle"
          aria-label="Footprint"
          title={aggregate ? "Footprint: buy and sell volume (base units) per price of the aggregate in each bar, from the legs' merged trades; volume profile" : 'Footprint: buy and sell volume per price in each bar, volume profile, delta and CVD panes'}
          aria-pressed={footprint}
          onClick={() => setFootprint(!footprint)}
        >
          <span class="label-long">Footprint</span>
          <span class="label-short" aria-hidden="true">
            FP
          </span>
        </button>
        {footprint && (
          <button type="button" class="tool-button profile-toggle" aria-label="Session" title="Volume profile per UTC day (session), or of the bars in view" aria-pressed={profileMode === 'session'} onClick={() => askProfile.current(profileMode === 'session' ? 'visible' : 'session')}>
            <span class="label-long">Session</span>
            <span class="label-short" aria-hidden="true">
              Day
            </span>
          </button>
        )}
        {footprint && depth !== null && <span class="footprint-depth toolbar-note" title="Every trade from this time on is in the footprint; older bars are plain candles">from {formatClockUtc(depth / 1000)} UTC</span>}
        {footprint && depth === null && (
          <span class="footprint-depth footprint-loading toolbar-note" title={footprintLoadingTitle(loading)}>
            {footprintLoadingLabel(loading)}
          </span>
        )}
        <span class="spacer" />
        <ConnectionBadge connection={connection} banner={error} />
      </Toolbar>
      <ReplayBar />
      {error && <ErrorBanner message={error} onDismiss={dismiss} />}
      <div class="chart-wrap">
        <div class="chart-host stale-dims" ref={hostRef} />
        <OlderBarsIndicator state={olderBars.state} atEdge={olderBars.atEdge} onRetry={retry} />
        <NewestButton behind={behindNewest} onClick={toNewest} />
        <Legend store={legendStore} historyNote={history === undefined ? undefined : HISTORY_NOTES[history]} flowAt={flowAt} lanesPartialAt={lanesPartialAt} figuresAt={figuresAt} derivatives={derivativesStore} box={legendRef} />
        <a class="attribution" href="https://www.tradingview.com/" title="Charting by TradingView Lightweight Charts™">
          TradingView Lightweight Charts™
        </a>
      </div>
    </div>
  );
}

const HISTORY_NOTES: Readonly<Record<HistoryNote, string>> = {
  cached: 'cached bars · topping up…',
  loading: 'newest bars · loading the history…',
  offline: 'history offline · cached bars and live trades only',
};

function nextMeta(prev: Meta | null, market: MarketRef, timeframe: string, timeframes: readonly string[]): Meta {
  const list = timeframes.filter((t): t is string => typeof t === 'string');
  if (!list.includes(timeframe)) list.unshift(timeframe);
  const same =
    prev &&
    prev.timeframe === timeframe &&
    prev.market.exchange === market.exchange &&
    prev.market.symbol === market.symbol &&
    prev.timeframes.length === list.length &&
    prev.timeframes.every((o, i) => o.value === list[i]);
  if (same) return prev;
  return { market, timeframe, timeframes: list.map((t) => ({ value: t, label: t })) };
}

installErrorReporting('chart');
render(<App />, document.getElementById('app')!);
