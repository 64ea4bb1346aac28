/**
 * DOM (price ladder) webview: bid size · price · ask size · traded volume per price row, the row nearest the last
 * price highlighted, the best bid and best ask kept in view (a smooth re-centre only when the spread leaves it), and
 * a grouping selector.
 */
import '../shared/bootClock'; // first: its clock starts as the bundle starts running
import '../../../media/dom.css';
import { render } from 'preact';
import { memo } from 'preact/compat';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { DomLegWire, DomRowWire, MarketRef, SpreadBeyondRowsWire, TradesMissingWire } from '../../shared/protocol';
import { ConnectionBadge } from '../shared/ConnectionBadge';
import { ConnectionState } from '../shared/connection';
import { legTitle, legWords } from './legWords';
import { setBodyData } from '../shared/dataset';
import { ErrorBanner } from '../shared/ErrorBanner';
import { MarketLabel } from '../shared/MarketLabel';
import { Toolbar } from '../shared/Toolbar';
import { ReplayBar } from '../shared/ReplayBar';
import { StaleBookNote } from '../shared/StaleBookNote';
import { TradesMissingNote } from '../shared/TradesMissingNote';
import { Amount } from '../shared/Amount';
import { columnAmount } from '../shared/amountColumn';
import { ladderAmounts, rowDecimals, sameLadderRow, type LadderAmounts, type LadderRowProps } from './ladderAmounts';
import { formatPrice } from '../shared/format';
import { Select } from '../shared/Select';
import { HiddenColumnsHint, useColumnFit } from '../shared/ColumnFitHint';
import { ladderLayouts } from '../shared/columnLayouts';
import { stickyScale } from '../shared/scale';
import { onLatestPerBatch } from '../shared/latestPerBatch';
import { getState, installErrorReporting, post, postReady, rememberPanel, setState } from '../shared/vscode';
import { groupingChoices, ladderDecimals, ladderMaxima, ladderNote, nearestRowIndex, normalizeRows, showsBook, spreadRows, spreadScrollTarget, type LadderMaxima, type SpreadRows } from './ladderModel';

interface ViewState {
  multiple: number;
}

interface Ladder {
  readonly market: MarketRef;
  readonly rows: readonly DomRowWire[];
  readonly lastPrice: number | null;
  readonly lastIndex: number;
  readonly tickSize: number;
  readonly multiple: number;
  readonly multiples: readonly number[];
  /** An aggregate's legs (none on one market's ladder). */
  readonly legs: readonly DomLegWire[];
  readonly decimals: number;
  readonly spread: SpreadRows;
  /** Bar scales (sticky maxima): CSS variables on the ladder. */
  readonly scale: LadderMaxima;
  /** The sizes' columns: their decimals, and the left-aligned ones' widest integer parts (their points line up). */
  readonly amounts: LadderAmounts;
  /** A book has been on the ladder (rows before it carry no sizes: the ladder says it waits). */
  readonly bookSeen: boolean;
  /** The spans whose trades will never come: the traded column lacks them. */
  readonly tradesMissing: readonly TradesMissingWire[];
  /** The book's best bid and ask when the spread is wider than the rows: no row shows a size, and the note says why. */
  readonly spreadBeyondRows?: SpreadBeyondRowsWire;
}

const connection = new ConnectionState();

const chooseMultiple = (value: string) => {
  const multiple = Number(value);
  setState<ViewState>({ multiple });
  post({ method: 'dom/setMultiple', params: { multiple } });
};

function App() {
  const [ladder, setLadder] = useState<Ladder | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [autoCentre, setAutoCentre] = useState(true);
  const scrollRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let scale: LadderMaxima = { bid: 0, ask: 0, traded: 0 };
    let bookSeen = false;
    /** Ladders drawn: an e2e that finds the page's state old tells a page no longer posted to from a host whose state is old. */
    let drawn = 0;
    // The badge follows the book (the host's status is the book stream's): rows drawn from the trades before it came hold none of its data.
    const holdsBook = (p: { readonly rows: readonly unknown[]; readonly spreadBeyondRows?: unknown }) => bookSeen || p.spreadBeyondRows !== undefined || showsBook(normalizeRows(p.rows));
    const off = onLatestPerBatch('dom/update', { connection, onError: setError }, (p, first) => {
      rememberPanel('dom', p.market);
      if (first) {
        const saved = getState<ViewState>().multiple;
        if (saved !== undefined && saved !== p.multiple && p.multiples.includes(saved)) post({ method: 'dom/setMultiple', params: { multiple: saved } });
      }
      const rows = normalizeRows(p.rows);
      const max = ladderMaxima(rows);
      scale = { bid: stickyScale(scale.bid, max.bid), ask: stickyScale(scale.ask, max.ask), traded: stickyScale(scale.traded, max.traded) };
      const lastPrice = typeof p.lastPrice === 'number' && Number.isFinite(p.lastPrice) ? p.lastPrice : null;
      bookSeen ||= p.spreadBeyondRows !== undefined || showsBook(rows);
      setLadder({
        market: p.market,
        rows,
        lastPrice,
        lastIndex: nearestRowIndex(rows, lastPrice),
        tickSize: p.tickSize,
        multiple: p.multiple,
        multiples: p.multiples.filter((x): x is number => typeof x === 'number'),
        legs: p.legs ?? NO_LEGS,
        decimals: ladderDecimals(p.tickSize, p.multiple),
        spread: spreadRows(rows),
        scale,
        amounts: ladderAmounts(p.amountStep, p.legAmountSteps, max),
        bookSeen,
        tradesMissing: p.tradesMissing ?? NO_SPANS,
        ...(p.spreadBeyondRows ? { spreadBeyondRows: p.spreadBeyondRows } : {}),
      });
      setBodyData('spreadBeyondRows', String(p.spreadBeyondRows !== undefined));
      setBodyData('rows', rows.length);
      setBodyData('lastPrice', lastPrice);
      setBodyData('multiple', p.multiple);
      setBodyData('amountStep', p.amountStep);
      setBodyData('legAmountSteps', p.legAmountSteps?.map((s) => s ?? 'none').join(' '));
      setBodyData('market', `${p.market.exchange} ${p.market.symbol}`);
      setBodyData('legs', p.legs?.length ?? 0);
      setBodyData('legsFailed', p.legs?.filter((l) => l.status === 'failed').length ?? 0);
      setBodyData('legsStale', p.legs?.filter((l) => l.status === 'stale').length ?? 0);
      setBodyData('sharedRows', rows.filter((r) => (r.shares?.filter((x) => x > 0).length ?? 0) > 1).length);
      setBodyData('bookSeen', String(bookSeen));
      setBodyData('ladders', ++drawn);
      if (first) requestAnimationFrame(() => post({ method: 'webview/rendered', params: { kind: 'dom', items: rows.length } }));
    }, holdsBook);
    postReady('dom');
    return off;
  }, []);

  // Keep the best bid and best ask in view. When the host moves its window of rows, the same prices first stay where
  // they were on screen; then the ladder scrolls (smoothly) only if the spread has left the view.
  const centredOnce = useRef(false);
  const shown = useRef<{ price: number; multiple: number } | null>(null);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    const first = ladder?.rows[0]?.price;
    if (!el || !ladder || first === undefined) return;
    const rowHeight = (el.firstElementChild as HTMLElement | null)?.offsetHeight ?? 0;
    const step = ladder.tickSize * ladder.multiple;
    const before = shown.current;
    if (before && before.multiple === ladder.multiple && rowHeight > 0 && step > 0) {
      const movedRows = Math.round((first - before.price) / step);
      if (movedRows !== 0) el.scrollTop += movedRows * rowHeight;
    }
    shown.current = { price: first, multiple: ladder.multiple };
    if (!autoCentre && centredOnce.current) return;
    const target = spreadScrollTarget({ scrollTop: el.scrollTop, viewportHeight: el.clientHeight, rowHeight, rowCount: ladder.rows.length, spread: ladder.spread, force: !centredOnce.current });
    if (target !== null) el.scrollTo({ top: target, behavior: centredOnce.current ? 'smooth' : 'auto' });
    if (rowHeight > 0 && el.clientHeight > 0) centredOnce.current = true;
    setBodyData('centredIndex', ladder.lastIndex);
  }, [ladder, autoCentre]);

  // A manual scroll (wheel, keys, touch, scrollbar drag) pauses auto-centring until "Centre" is pressed.
  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const pause = () => setAutoCentre(false);
    const onKey = (e: KeyboardEvent) => {
      if (['ArrowUp', 'ArrowDown', 'PageUp', 'PageDown', 'Home', 'End', ' '].includes(e.key)) pause();
    };
    const onPointer = (e: PointerEvent) => {
      if (e.target === el && e.offsetX > el.clientWidth) pause(); // on the scrollbar
    };
    el.addEventListener('wheel', pause, { passive: true });
    el.addEventListener('touchmove', pause, { passive: true });
    el.addEventListener('keydown', onKey);
    el.addEventListener('pointerdown', onPointer);
    return () => {
      el.removeEventListener('wheel', pause);
      el.removeEventListener('touchmove', pause);
      el.removeEventListener('keydown', onKey);
      el.removeEventListener('pointerdown', onPointer);
    };
  }, []);

  useEffect(() => setBodyData('autoCentre', autoCentre ? 'true' : 'false'), [autoCentre]);

  const recentre = useCallback(() => {
    centredOnce.current = false; // centre exactly once, then keep the drift tolerance
    setAutoCentre(true);
  }, []);
  const dismiss = useCallback(() => setError(null), []);
  const options = ladder ? groupingChoices(ladder.multiples, ladder.tickSize, ladder.multiple).map((c) => ({ value: String(c.multiple), label: c.label })) : [];
  const scale = ladder?.scale;
  const legs = ladder?.legs ?? NO_LEGS;
  const note = ladderNote(ladder);
  const root = useRef<HTMLDivElement>(null);
  const layouts = useMemo(() => ladderLayouts(legs.length > 0), [legs.length > 0]);
  const hidden = useColumnFit(root, '.ladder', '.num', '--ladder-cols', layouts);
  useEffect(() => setBodyData('hiddenColumns', hidden.join(',')), [hidden]);

  return (
    <div class="app dom-app" ref={root}>
      <Toolbar>
        <MarketLabel market={ladder?.market} />
        {ladder && options.length > 0 && <Select class="select-grouping fit-optional" label="Price grouping" value={String(ladder.multiple)} options={options} onChange={chooseMultiple} />}
        <button type="button" class="tool-button whole-label" title="Keep the best bid and best ask in view" aria-pressed={autoCentre} onClick={recentre}>
          Centre
        </button>
        <span class="spacer" />
        <ConnectionBadge connection={connection} banner={error} />
      </Toolbar>
      <ReplayBar />
      {error && <ErrorBanner message={error} onDismiss={dismiss} />}
      {legs.length > 0 && <LegsLine legs={legs} />}
      <StaleBookNote connection={connection} />
      <TradesMissingNote spans={ladder?.tradesMissing ?? NO_SPANS} lacks="Vol lacks" />
      <HiddenColumnsHint hidden={hidden} />
      <div class={`ladder-head${legs.length > 0 ? ' with-legs' : ''}`} role="row">
        <span>Bid</span>
        <span>Price</span>
        <span>Ask</span>
        <span class="col-traded">Vol</span>
        {legs.length > 0 && <span class="col-legs">Legs</span>}
      </div>
      {note && <div class="empty muted">{note}</div>}
      <div
        class={`ladder stale-dims${legs.length > 0 ? ' with-legs' : ''}`}
        ref={scrollRef}
        tabIndex={0}
        role="grid"
        aria-label="Price ladder"
        style={{ '--max-bid': positive(scale?.bid), '--max-ask': positive(scale?.ask), '--max-traded': positive(scale?.traded) }}
      >
        {ladder?.rows.map((r, i) => (
          <LadderRow key={r.price} row={r} legs={legs} decimals={ladder.decimals} amounts={ladder.amounts} zone={zone(r.price, ladder.lastPrice)} isLast={i === ladder.lastIndex} best={i === ladder.spread.askIndex ? 'ask' : i === ladder.spread.bidIndex ? 'bid' : undefined} />
        ))}
      </div>
    </div>
  );
}

const NO_LEGS: readonly DomLegWire[] = [];
const NO_SPANS: readonly TradesMissingWire[] = [];

/** Colours of the legs' shares, by leg index (cycled past the sixth). */
const LEG_COLOURS = ['var(--ts-blue)', 'var(--ts-yellow)', 'var(--vscode-charts-purple, #b180d7)', 'var(--vscode-charts-orange, #d18616)', 'var(--ts-green)', 'var(--ts-red)'];
const legColour = (i: number) => LEG_COLOURS[i % LEG_COLOURS.length] ?? 'var(--ts-blue)';

/**
 * An aggregate's legs, each with its colour; one whose book is not live says so: a stale one since when, and that its
 * levels are left out (while another leg is live) or held with the others (dimmed, with the stale note).
 */
function LegsLine({ legs }: { legs: readonly DomLegWire[] }) {
  const anyLive = legs.some((l) => l.status === 'live');
  return (
    <div class="dom-legs">
      {legs.map((l, i) => (
        <span key={l.label} class={`dom-leg leg-${l.status}`} title={legTitle(l, anyLive)}>
          <span class="leg-swatch" style={{ background: legColour(i) }} />
          {l.label}
          {l.status !== 'live' && <span class="leg-status"> {legWords(l, anyLive, Date.now())}</span>}
        </span>
      ))}
    </div>
  );
}

/** A row's resting size split by leg: one coloured segment per leg with a share, the percentages in the tooltip. */
function SharesCell({ shares, legs }: { shares: readonly number[] | undefined; legs: readonly DomLegWire[] }) {
  const parts = (shares ?? []).map((x, i) => ({ x, i })).filter((p) => p.x > 0);
  return (
    <span class="cell-legs col-legs" title={parts.map((p) => `${legs[p.i]?.label ?? `leg ${p.i + 1}`} ${Math.round(p.x * 100)}%`).join(' · ')}>
      {parts.map((p) => (
        <span key={p.i} class="leg-share" style={{ flexGrow: p.x, background: legColour(p.i) }} />
      ))}
    </span>
  );
}

const positive = (x: number | undefined) => (x !== undefined && x > 0 ? x : 1);
const zone = (price: number, last: number | null): 'ask' | 'bid' | 'none' => (last === null ? 'none' : price > last ? 'ask' : price < last ? 'bid' : 'none');

/**
 * One price row. Bars are CSS: scaleX(var(--v) / var(--max-bid)), --v on the bar itself and the (sticky) scale on
 * the container, so a row re-renders and restyles only when its own numbers or highlight change.
 */
const LadderRow = memo(
  function LadderRow({ row, legs, decimals, amounts, zone, isLast, best }: LadderRowProps) {
    const { column } = amounts;
    const own = rowDecimals(row, amounts);
    return (
      <div class={`list-row ladder-row zone-${zone}${isLast ? ' last' : ''}${best ? ` best-${best}` : ''}`} role="row">
        <span class="num cell-bid">
          {row.bid > 0 && <span class="bar" aria-hidden="true" style={{ '--v': row.bid }} />}
          {row.bid > 0 && <Amount amount={columnAmount(row.bid, column, own.book)} />}
        </span>
        <span class="num cell-price">{formatPrice(row.price, decimals)}</span>
        <span class="num cell-ask">
          {row.ask > 0 && <span class="bar" aria-hidden="true" style={{ '--v': row.ask }} />}
          {row.ask > 0 && <Amount amount={columnAmount(row.ask, column, own.book, amounts.widestAsk)} />}
        </span>
        <span class="num cell-traded col-traded">
          {row.traded > 0 && <span class="bar" aria-hidden="true" style={{ '--v': row.traded }} />}
          {row.traded > 0 && <Amount amount={columnAmount(row.traded, column, own.traded, amounts.widestTraded)} />}
        </span>
        {legs.length > 0 && <SharesCell shares={row.shares} legs={legs} />}
      </div>
    );
  },
  sameLadderRow,
);

installErrorReporting('dom');
render(<App />, document.getElementById('app')!);
