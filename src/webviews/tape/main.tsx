/** Time & sales webview: the trade tape newest first (merged rows), a size filter, a big-print threshold, trades and volume per minute. */
import '../shared/bootClock'; // first: its clock starts as the bundle starts running
import '../../../media/tape.css';
import { render } from 'preact';
import { memo } from 'preact/compat';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { isLateRow, isLiquidationRow, type MarketRef, type TapeFilterWire, type TapeLateOlderWire, type TapeLiquidationsWire, type TapeMissingWire, type TapeRowWire, type TapeStatsWire } from '../../shared/protocol';
import { ConnectionBadge } from '../shared/ConnectionBadge';
import { ConnectionState } from '../shared/connection';
import { setBodyData } from '../shared/dataset';
import { ErrorBanner } from '../shared/ErrorBanner';
import { MarketLabel } from '../shared/MarketLabel';
import { Toolbar } from '../shared/Toolbar';
import { ReplayBar } from '../shared/ReplayBar';
import { Amount } from '../shared/Amount';
import { columnAmount, stepDecimals } from '../shared/amountColumn';
import { formatAmount, formatCount, formatNotional, formatPrice, formatTimeUtc, priceDecimals } from '../shared/format';
import { Select } from '../shared/Select';
import { HiddenColumnsHint, useColumnFit } from '../shared/ColumnFitHint';
import { tapeLayouts, venueCodes } from '../shared/columnLayouts';
import { handlePanelMessage } from '../shared/latestPerBatch';
import { getState, installErrorReporting, onMessage, post, postReady, rememberPanel, setState } from '../shared/vscode';
import { applyTapeRows, isBigPrint, lateOlderLabel, liquidationLabel, liquidationsLine, minuteVolumeLabel, missingLabel, rowAmountStep, sizeChoices, sizeDecimals, sizeLabel, tapeLines } from './tapeView';

interface ViewState {
  filter: TapeFilterWire;
}

interface Tape {
  readonly market: MarketRef;
  readonly rows: readonly TapeRowWire[];
  readonly stats: TapeStatsWire;
  readonly filter: TapeFilterWire;
  readonly maxRows: number;
  /** An aggregate's legs: the exchange column. */
  readonly legs: readonly string[] | undefined;
  /** The liquidation stream's state, where the market has one. */
  readonly liquidations: TapeLiquidationsWire | undefined;
  /** The market's lot step: sizes are shown with its decimals (none known: per magnitude). */
  readonly amountStep: number | undefined;
  /** The market's tick size (an aggregate's finest leg's), once known: prices show its decimals. */
  readonly tickSize: number | undefined;
  /** An aggregate's: each leg's lot step in base units (null: none), for its rows. */
  readonly legAmountSteps: readonly (number | null)[] | undefined;
  /** The base currency of sizes and volume (BTC), once known. */
  readonly base: string | undefined;
  /** The spans whose trades will never come, shown among the rows. */
  readonly missing: readonly TapeMissingWire[];
  /** Late trades older than every row kept, summed, shown at the bottom. */
  readonly lateOlder: readonly TapeLateOlderWire[];
  /** A reconnect's hole is owed: its trades are still being fetched. */
  readonly catchingUp: boolean;
}


const connection = new ConnectionState();

const validSize = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0 && x <= 1e12;

function chooseFilter(filter: TapeFilterWire): void {
  setState<ViewState>({ filter });
  post({ method: 'tape/setFilter', params: filter });
}

function App() {
  const [tape, setTape] = useState<Tape | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current: Tape | null = null;
    let changed = false;
    let first = true;
    const off = onMessage(
      (m) => {
        if (m.method === 'tape/snapshot') {
          const p = m.params;
          rememberPanel('tape', p.market);
          current = { market: p.market, rows: p.rows, stats: p.stats, filter: p.filter, maxRows: p.maxRows, legs: p.legs, liquidations: p.liquidations, amountStep: p.amountStep, tickSize: p.tickSize, legAmountSteps: p.legAmountSteps, base: p.base, missing: p.missing ?? [], lateOlder: p.lateOlder ?? [], catchingUp: p.catchingUp === true };
          setBodyData('amountStep', p.amountStep);
          // For the e2e checks: each leg's name and lot step.
          setBodyData('legAmountSteps', p.legAmountSteps && p.legs ? JSON.stringify(Object.fromEntries(p.legs.map((name, i) => [name, p.legAmountSteps?.[i] ?? null]))) : undefined);
          changed = true;
          connection.markData(Date.now());
          if (first) {
            first = false;
            const saved = getState<ViewState>().filter;
            if (saved && validSize(saved.minSize) && validSize(saved.highlightSize) && (saved.minSize !== p.filter.minSize || saved.highlightSize !== p.filter.highlightSize)) post({ method: 'tape/setFilter', params: saved });
            requestAnimationFrame(() => post({ method: 'webview/rendered', params: { kind: 'tape', items: p.rows.length } }));
          }
        } else if (m.method === 'tape/rows') {
          if (!current) return;
          current = { ...current, rows: applyTapeRows(current.rows, m.params.rows, current.maxRows), stats: m.params.stats };
          changed = true;
          connection.markData(Date.now());
        } else if (m.method === 'tape/liquidations') {
          if (!current) return;
          current = { ...current, liquidations: m.params };
          changed = true;
        } else if (m.method === 'tape/missing') {
          if (!current) return;
          current = { ...current, missing: m.params.missing };
          changed = true;
        } else if (m.method === 'tape/catchingUp') {
          if (!current) return;
          current = { ...current, catchingUp: m.params.catchingUp };
          changed = true;
        } else handlePanelMessage(m, { connection, onError: setError });
      },
      {
        onBatchEnd: () => {
          if (!changed || !current) return;
          changed = false;
          setTape(current);
          setBodyData('rows', current.rows.length);
          setBodyData('newestRow', current.rows[0]?.[0]);
          setBodyData('tradesPerMinute', current.stats.tradesPerMinute);
          setBodyData('liquidationRows', current.rows.reduce((n, r) => n + (isLiquidationRow(r) ? 1 : 0), 0));
          setBodyData('liquidations', current.liquidations?.status);
          setBodyData('missingSpans', current.missing.length);
          setBodyData('lateRows', current.rows.reduce((n, r) => n + (isLateRow(r) ? 1 : 0), 0));
          setBodyData('lateOlder', current.lateOlder.length);
          setBodyData('catchingUp', current.catchingUp ? 'yes' : undefined);
        },
      },
    );
    postReady('tape');
    return off;
  }, []);

  const dismiss = useCallback(() => setError(null), []);
  const decimals = tape ? priceDecimals(tape.tickSize, tape.rows.slice(0, 50).map((r) => r[2])) : 2;
  const sizes = tape ? sizeDecimals(tape.amountStep, tape.legAmountSteps) : 0;
  const filter = tape?.filter;
  // Each select posts the whole filter: its onChange changes with the filter, so the select is drawn with the new one.
  const chooseMinSize = useCallback((v: string) => filter && chooseFilter({ ...filter, minSize: Number(v) }), [filter]);
  const chooseHighlight = useCallback((v: string) => filter && chooseFilter({ ...filter, highlightSize: Number(v) }), [filter]);
  const legs = tape?.legs;
  const venue = legs !== undefined && legs.length > 0 ? ' with-venue' : '';
  const codes = useMemo(() => (legs ? venueCodes(legs) : undefined), [legs]);
  const root = useRef<HTMLDivElement>(null);
  const layouts = useMemo(() => tapeLayouts(venue !== ''), [venue]);
  const hidden = useColumnFit(root, '.tape', '.num, .col-venue', '--tape-cols', layouts);
  useEffect(() => setBodyData('hiddenColumns', hidden.join(',')), [hidden]);

  return (
    <div class="app tape-app" ref={root}>
      <Toolbar>
        <MarketLabel market={tape?.market} />
        {filter && (
          <>
            <Select class="select-min fit-optional" label="Hide rows worth less than (quote)" value={String(filter.minSize)} options={sizeChoices(filter.minSize).map((v) => ({ value: String(v), label: v > 0 ? `≥ ${sizeLabel(v)}` : 'all sizes' }))} onChange={chooseMinSize} />
            <Select class="select-big fit-optional" label="Highlight rows worth at least (quote)" value={String(filter.highlightSize)} options={sizeChoices(filter.highlightSize).map((v) => ({ value: String(v), label: v > 0 ? `big ≥ ${sizeLabel(v)}` : 'no highlight' }))} onChange={chooseHighlight} />
          </>
        )}
        <span class="spacer" />
        <ConnectionBadge connection={connection} banner={error} />
      </Toolbar>
      <ReplayBar />
      {error && <ErrorBanner message={error} onDismiss={dismiss} />}
      {tape && (
        <div class="tape-stats muted num" title="Trades and base volume over the last minute of market time (all trades, whatever the filter)">
          {/* Its parts wrap whole in a narrow tape: a number is never cut. */}
          <span class="stat">last minute: {formatCount(tape.stats.tradesPerMinute)} trades</span>
          {' · '}
          <span class="stat">{minuteVolumeLabel(formatAmount(tape.stats.volumePerMinute), tape.base)}</span>
          {tape.catchingUp && (
            <span class="tape-catching-up" title="The stream is live again; the trades it missed while down are being fetched from REST and will be placed among the rows">
              {' · '}
              fetching missed trades…
            </span>
          )}
          {tape.liquidations && (
            <span class={`tape-liq-state liq-${tape.liquidations.status}`} title={tape.liquidations.reason}>
              {' · '}
              {liquidationsLine(tape.liquidations)}
            </span>
          )}
        </div>
      )}
      <HiddenColumnsHint hidden={hidden} />
      <div class={`tape-head${venue}`} role="row">
        <span>Time (UTC)</span>
        {venue && (
          <span class="col-venue">
            <span class="venue-name">Exchange</span>
            <span class="venue-code">Ex.</span>
          </span>
        )}
        <span>Price</span>
        <span class="col-size">Size</span>
        <span class="col-value">Value</span>
      </div>
      <div class={`tape stale-dims${venue}`} role="grid" aria-label="Trades, newest first">
        {tape &&
          tapeLines(tape.rows, tape.missing, tape.rows.length >= tape.maxRows, tape.lateOlder).map((line) => {
            switch (line.kind) {
              case 'missing':
                return (
                  <div key={`missing-${line.span.from}-${line.span.until ?? ''}`} class="tape-missing" role="row" data-kind="missing" title={line.span.reason}>
                    {missingLabel(line.span)}
                  </div>
                );
              case 'lateOlder':
                return (
                  <div key={`late-${line.late.from}-${line.late.until}-${line.late.trades}`} class="tape-late-older" role="row" data-kind="lateOlder">
                    {lateOlderLabel(line.late, tape.base)}
                  </div>
                );
              case 'row':
                return <Row key={line.row[0]} row={line.row} legs={legs} codes={codes} decimals={decimals} sizes={sizes} own={stepDecimals(rowAmountStep(line.row, tape.amountStep, tape.legAmountSteps))} big={isBigPrint(line.row, tape.filter.highlightSize)} />;
              default: {
                const unknown: never = line; // a new kind of line fails to compile here
                return unknown;
              }
            }
          })}
        {tape && tape.rows.length === 0 && <div class="empty muted">no trade{tape.filter.minSize > 0 ? ` worth ${sizeLabel(tape.filter.minSize)} or more` : ''} yet</div>}
      </div>
      {!tape && <div class="empty muted">waiting for trades…</div>}
    </div>
  );
}

const Row = memo(
  function Row({ row, legs, codes, decimals, sizes, own, big }: { row: TapeRowWire; legs: readonly string[] | undefined; codes: readonly string[] | undefined; decimals: number; sizes: number; own: number | undefined; big: boolean }) {
    const [, time, price, amount, side, trades, leg] = row;
    const liquidation = isLiquidationRow(row);
    const late = isLateRow(row);
    const venue = leg === undefined || leg === null ? '' : (legs?.[leg] ?? `leg ${leg + 1}`);
    const code = leg === undefined || leg === null ? '' : (codes?.[leg] ?? String(leg + 1));
    // The time's milliseconds apart: a narrow tape hides them (columnLayouts.ts).
    const clock = formatTimeUtc(time, true);
    const kind = liquidation ? 'liquidation' : 'trade';
    // The badge goes where there is room: before the exchange on an aggregate's tape, before the size on a market's.
    const withVenue = legs !== undefined && legs.length > 0;
    const badge = liquidation ? <span class="liq-badge">{side === 'sell' ? 'LIQ long' : 'LIQ short'}</span> : null;
    return (
      <div
        class={`list-row tape-row ${side === 'buy' ? 'up' : 'down'}${big ? ' big' : ''}${liquidation ? ' liq' : ''}${late ? ' late' : ''}`}
        role="row"
        data-side={side}
        data-kind={kind}
        data-late={late ? '1' : undefined}
        title={liquidation ? `${liquidationLabel(side)}${venue ? ` on ${venue}` : ''}` : late ? `Fetched from REST after a reconnect${venue ? ` on ${venue}` : ''}: the stream had moved past it` : undefined}
      >
        <span class="num muted">
          {clock.slice(0, 8)}
          <span class="time-ms">{clock.slice(8)}</span>
        </span>
        {withVenue && (
          <span class="col-venue muted" title={venue}>
            {badge}
            <span class="venue-name">{venue}</span>
            <span class="venue-code">{code}</span>
          </span>
        )}
        <span class="num">{formatPrice(price, decimals)}</span>
        <span class="num col-size">
          {!withVenue && badge}
          {/* Before the size, as the badge: after it, it moved this row's decimal point off the column's. */}
          {trades > 1 && <span class="muted merged" title={`${trades} ${liquidation ? 'liquidations' : 'trades'} merged`}>×{trades} </span>}
          <Amount amount={columnAmount(amount, sizes, own)} />
        </span>
        <span class="num col-value">{formatNotional(price * amount)}</span>
      </div>
    );
  },
  (a, b) => a.decimals === b.decimals && a.sizes === b.sizes && a.own === b.own && a.big === b.big && a.legs === b.legs && a.codes === b.codes && a.row[0] === b.row[0] && a.row[3] === b.row[3] && a.row[5] === b.row[5],
);

installErrorReporting('tape');
const root = document.getElementById('app');
if (root) render(<App />, root);
