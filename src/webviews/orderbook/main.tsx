/** Order book webview: top N levels per side with cumulative depth, spread and mid; a levels selector. */
import '../shared/bootClock'; // first: its clock starts as the bundle starts running
import '../../../media/orderbook.css';
import { render } from 'preact';
import { memo } from 'preact/compat';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { MarketRef } from '../../shared/protocol';
import { ConnectionBadge } from '../shared/ConnectionBadge';
import { ConnectionState } from '../shared/connection';
import { setBodyData } from '../shared/dataset';
import { ErrorBanner } from '../shared/ErrorBanner';
import { MarketLabel } from '../shared/MarketLabel';
import { Toolbar } from '../shared/Toolbar';
import { ReplayBar } from '../shared/ReplayBar';
import { StaleBookNote } from '../shared/StaleBookNote';
import { BOOK_DEPTH } from '../../shared/util/bookDepth';
import { decimalsOf } from '../../shared/util/decimals';
import { Amount } from '../shared/Amount';
import { columnAmount, columnDecimals, stepDecimals } from '../shared/amountColumn';
import { formatPrice, formatSmallPercent } from '../shared/format';
import { Select } from '../shared/Select';
import { HiddenColumnsHint, useColumnFit } from '../shared/ColumnFitHint';
import { bookLayouts } from '../shared/columnLayouts';
import { stickyScale } from '../shared/scale';
import { onLatestPerBatch } from '../shared/latestPerBatch';
import { getState, installErrorReporting, post, postReady, rememberPanel, setState } from '../shared/vscode';
import { buildBookView, levelChoices, spreadNote, type BookRow, type BookView } from './bookModel';

interface ViewState {
  levels: number;
}

interface Book {
  readonly market: MarketRef;
  readonly levels: number;
  /** The market's lot step: amounts are shown with its decimals (none known: per magnitude). */
  readonly amountStep: number | undefined;
  readonly view: BookView;
  /** Depth-bar scale (sticky maximum cumulative total). */
  readonly scale: number;
}

const connection = new ConnectionState();

const chooseLevels = (value: string) => {
  const levels = Number(value);
  setState<ViewState>({ levels });
  post({ method: 'book/setLevels', params: { levels } });
};

const BOOK_LAYOUTS = bookLayouts();

function App() {
  const [book, setBook] = useState<Book | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let scale = 0;
    const off = onLatestPerBatch('book/update', { connection, onError: setError }, (p, first) => {
      rememberPanel('orderbook', p.market);
      if (first) {
        const saved = getState<ViewState>().levels;
        if (saved !== undefined && saved !== p.levels && Number.isInteger(saved) && saved >= 5 && saved <= BOOK_DEPTH) {
          post({ method: 'book/setLevels', params: { levels: saved } });
        }
      }
      const view = buildBookView(p.bids, p.asks, p.levels, p.tickSize);
      scale = stickyScale(scale, view.maxTotal);
      setBook({ market: p.market, levels: p.levels, amountStep: p.amountStep, view, scale });
      setBodyData('bestBid', view.bestBid);
      setBodyData('bestAsk', view.bestAsk);
      setBodyData('levels', p.levels);
      setBodyData('amountStep', p.amountStep);
      if (first) requestAnimationFrame(() => post({ method: 'webview/rendered', params: { kind: 'orderbook', items: view.bids.length + view.asks.length } }));
    });
    postReady('orderbook');
    return off;
  }, []);

  const dismiss = useCallback(() => setError(null), []);
  const view = book?.view;
  const options = book ? levelChoices(book.levels).map((n) => ({ value: String(n), label: `${n} levels` })) : [];
  const root = useRef<HTMLDivElement>(null);
  const hidden = useColumnFit(root, '.book-side', '.num', '--book-cols', BOOK_LAYOUTS);
  useEffect(() => setBodyData('hiddenColumns', hidden.join(',')), [hidden]);

  return (
    <div class="app book-app" ref={root}>
      <Toolbar>
        <MarketLabel market={book?.market} />
        {book && <Select class="select-levels fit-optional" label="Levels per side" value={String(book.levels)} options={options} onChange={chooseLevels} />}
        <span class="spacer" />
        <ConnectionBadge connection={connection} banner={error} />
      </Toolbar>
      <ReplayBar />
      {error && <ErrorBanner message={error} onDismiss={dismiss} />}
      <StaleBookNote connection={connection} />
      <HiddenColumnsHint hidden={hidden} />
      <div class="book-head" role="row">
        <span>Price</span>
        <span>Amount</span>
        <span class="col-total">Total</span>
      </div>
      <div class="book stale-dims" style={{ '--max-total': book?.scale ?? 1 }}>
        <div class="book-side book-asks" role="rowgroup" aria-label="Asks">
          {view?.asks.map((r) => <Row key={r.price} row={r} side="ask" decimals={view.priceDecimals} amountStep={book?.amountStep} />)}
        </div>
        <SpreadRow view={view} />
        <div class="book-side book-bids" role="rowgroup" aria-label="Bids">
          {view?.bids.map((r) => <Row key={r.price} row={r} side="bid" decimals={view.priceDecimals} amountStep={book?.amountStep} />)}
        </div>
      </div>
    </div>
  );
}

const Row = memo(
  function Row({ row, side, decimals, amountStep }: { row: BookRow; side: 'bid' | 'ask'; decimals: number; amountStep: number | undefined }) {
    return (
      <div class={`list-row book-row ${side}`} role="row">
        <span class="depth" aria-hidden="true" style={{ '--v': row.total }} />
        <span class="num price">{formatPrice(row.price, decimals)}</span>
        <span class="num">
          <Amount amount={columnAmount(row.amount, columnDecimals([amountStep]), stepDecimals(amountStep))} />
        </span>
        <span class="num col-total">
          <Amount amount={columnAmount(row.total, columnDecimals([amountStep]), stepDecimals(amountStep))} />
        </span>
      </div>
    );
  },
  (a, b) => a.side === b.side && a.decimals === b.decimals && a.amountStep === b.amountStep && a.row.price === b.row.price && a.row.amount === b.row.amount && a.row.total === b.row.total,
);

function SpreadRow({ view }: { view: BookView | undefined }) {
  const note = spreadNote(view);
  if (note !== undefined || !view || view.mid === null || view.spread === null) {
    return (
      <div class="spread-row" role="row">
        <span class="muted">{note}</span>
      </div>
    );
  }
  const midDecimals = Math.min(view.priceDecimals + 1, Math.max(view.priceDecimals, decimalsOf(view.mid)));
  return (
    <div class={`spread-row${view.crossed ? ' crossed' : ''}`} role="row" title={view.crossed ? 'crossed book: best bid ≥ best ask' : 'mid price and spread'}>
      <span class="num mid">{formatPrice(view.mid, midDecimals)}</span>
      <span class="num spread">
        <span class="muted">spread</span> {formatPrice(view.spread, view.priceDecimals)}
        <span class="muted"> ({formatSmallPercent(view.spreadPct)})</span>
      </span>
    </div>
  );
}

installErrorReporting('orderbook');
render(<App />, document.getElementById('app')!);
