/** Crosshair legend: O H L C V and change of the hovered bar (the last bar when not hovering), EMA values, a perpetual's mark, funding and open interest, and a note while the newest bar is partial. */
import type { JSX, Ref } from 'preact';
import type { DerivativesWire } from '../../shared/protocol';
import { formatAmount, formatPercent, formatPrice, formatSignedAmount, partialNote } from '../shared/format';
import { useStore, type Store } from '../shared/store';
import type { LegendState } from './chartView';
import type { BarFigures } from './barFigures';
import { DerivativesLegend } from './DerivativesLegend';
import type { FlowLegend } from './flowBook';

/**
 * `historyNote`: what the bars are while not complete (cached ones being topped up, or history offline). `flowAt`:
 * an aggregate's delta and per-leg shares of the bar opening at a time (ms), for a chart of an aggregated market.
 * `derivatives`: a perpetual's mark, funding and open interest. `lanesPartialAt`: whether an aggregate's liquidations
 * of the bar opening at a time (ms) may be incomplete. `figuresAt`: an aggregate's open interest and funding at the bar
 * opening at a time (ms), undefined for the newest bar (the newest figures, `derivatives`). `box`: the legend's
 * element, whose size the chart makes room for.
 */
export function Legend({
  store,
  historyNote,
  flowAt,
  lanesPartialAt,
  figuresAt,
  derivatives,
  box,
}: {
  store: Store<LegendState>;
  historyNote?: string | undefined;
  flowAt?: (timeMs: number) => FlowLegend | null;
  lanesPartialAt?: (timeMs: number) => boolean;
  figuresAt?: (timeMs: number) => BarFigures | undefined;
  derivatives: Store<DerivativesWire | null>;
  box?: Ref<HTMLDivElement>;
}) {
  const { bar, emas, decimals, hovering, partialSince } = useStore(store);
  if (!bar) return <div class="legend legend-empty" ref={box} />;
  const dir = bar.up ? 'up' : 'down';
  const p = (x: number) => formatPrice(x, decimals);
  const note = partialNote(partialSince, bar.time);
  const flow = flowAt?.(bar.time * 1000) ?? null;
  const lanesPartial = lanesPartialAt?.(bar.time * 1000) === true;
  return (
    <div class={`legend${hovering ? ' legend-hover' : ''}`} aria-live="off" ref={box}>
      <div class="legend-row">
        <Field label="O" value={p(bar.open)} dir={dir} />
        <Field label="H" value={p(bar.high)} dir={dir} />
        <Field label="L" value={p(bar.low)} dir={dir} />
        <Field label="C" value={p(bar.close)} dir={dir} />
        <span class={`legend-change ${bar.changePct !== null && bar.changePct < 0 ? 'down' : 'up'}`}>{formatPercent(bar.changePct)}</span>
        <Field label="V" value={formatAmount(bar.volume)} dir="plain" />
        {note && (
          <span class="legend-partial" title="Trades of these bars may be missing since then: a gap in the trade stream not filled yet (it is retried), a join of history and live trades this exchange cannot make exactly (the bar is replaced by the exchange's own when it closes), or in a replay a hole in the recording.">
            {note}
          </span>
        )}
        {lanesPartial && (
          <span class="legend-lanes-partial" title="A leg's liquidation stream was down during this bar (hatched in the liquidation pane): its liquidations may be missing, and exchanges give no past liquidations to fill them in.">
            liquidations incomplete
          </span>
        )}
      </div>
      {flow && <FlowRow flow={flow} />}
      {emas.length > 0 && (
        <div class="legend-row">
          {emas.map((e) => (
            <span key={e.period} class="legend-ema">
              <span class="legend-swatch" style={{ backgroundColor: e.color }} />
              <span class="legend-label">EMA {e.period}</span>
              <span class="num">{e.value === null ? '—' : p(e.value)}</span>
            </span>
          ))}
        </div>
      )}
      <DerivativesLegend store={derivatives} decimals={decimals} atBar={figuresAt?.(bar.time * 1000)} barTimeMs={bar.time * 1000} />
      {historyNote && <div class="legend-row legend-note">{historyNote}</div>}
    </div>
  );
}

/** An aggregate's bar: its delta (whole, spot, perp) and each leg's share, or that it has no buy/sell split. */
function FlowRow({ flow }: { flow: FlowLegend }): JSX.Element {
  switch (flow.kind) {
    case 'split':
      return (
        <div class="legend-row legend-flow">
          <Field label="Δ" value={formatSignedAmount(flow.delta)} dir={flow.delta >= 0 ? 'up' : 'down'} />
          <Field label="spot" value={formatSignedAmount(flow.spotDelta)} dir={flow.spotDelta >= 0 ? 'up' : 'down'} />
          <Field label="perp" value={formatSignedAmount(flow.perpDelta)} dir={flow.perpDelta >= 0 ? 'up' : 'down'} />
          {flow.legs.map((l) => (
            <span key={l.label} class="legend-leg">
              <span class="legend-label">{l.label}</span>
              <span class="num">{l.pct === null ? '—' : `${l.pct.toFixed(0)}%`}</span>
            </span>
          ))}
        </div>
      );
    case 'no split':
      return (
        <div class="legend-row legend-flow legend-no-split" title="This bar comes from the exchanges' history (their klines): volume, but no taker buy/sell split, so no delta and no CVD. Both start at the first bar built from trades.">
          <span class="legend-label">Δ</span>
          <span class="muted">no buy/sell split (history)</span>
        </div>
      );
  }
}

function Field({ label, value, dir }: { label: string; value: string; dir: 'up' | 'down' | 'plain' }) {
  return (
    <span class="legend-field">
      <span class="legend-label">{label}</span>
      <span class={`num ${dir}`}>{value}</span>
    </span>
  );
}
