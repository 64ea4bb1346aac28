// Which open panel a click on a market (or an open command) brings forward instead of opening a second copy.
import * as assert from 'node:assert/strict';
import { panelToReveal, type OpenPanel } from '../../../src/extension/panels/panelToReveal';

const chart = (symbol: string, timeframe: '1m' | '5m', column: number | undefined, visible: boolean, name: string, recency = 0) => ({ name, state: { kind: 'chart' as const, exchange: 'binance', symbol, timeframe }, column, visible, recency });
const book = (column: number, name: string) => ({ name, state: { kind: 'orderbook' as const, exchange: 'binance', symbol: 'BTC/USDT' }, column, visible: true, recency: 0 });
const btc = { kind: 'chart' as const, exchange: 'binance', symbol: 'BTC/USDT' };
const pick = <P extends OpenPanel & { name: string }>(open: P[], wanted: Parameters<typeof panelToReveal>[1], active: number | undefined, revealIfOpen = false) => panelToReveal(open, wanted, active, revealIfOpen)?.name;

describe('panelToReveal: an open view of the market instead of a second copy', () => {
  it('reveals the chart of that market in the active group, whatever its timeframe when none is asked for', () => {
    const open = [chart('ETH/USDT', '1m', 1, true, 'eth'), chart('BTC/USDT', '5m', 1, false, 'btc5m')];
    assert.equal(pick(open, btc, 1), 'btc5m');
  });

  it('opens another when the caller names a timeframe the open chart does not show', () => {
    const open = [chart('BTC/USDT', '5m', 1, true, 'btc5m')];
    assert.equal(pick(open, { ...btc, timeframe: '1m' }, 1), undefined);
    assert.equal(pick(open, { ...btc, timeframe: '5m' }, 1), 'btc5m');
  });

  it('leaves a chart in another group alone unless workbench.editor.revealIfOpen is on (VS Code’s rule for files)', () => {
    const open = [chart('BTC/USDT', '1m', 2, true, 'beside')];
    assert.equal(pick(open, btc, 1), undefined);
    assert.equal(pick(open, btc, 1, true), 'beside');
  });

  it('prefers the active group over others, and a shown tab over a hidden one', () => {
    const open = [chart('BTC/USDT', '1m', 2, true, 'other-shown'), chart('BTC/USDT', '1m', 1, false, 'active-hidden'), chart('BTC/USDT', '1m', 1, true, 'active-shown')];
    assert.equal(pick(open, btc, 1, true), 'active-shown');
    assert.equal(pick(open.slice(0, 2), btc, 1, true), 'active-hidden');
    assert.equal(pick([chart('BTC/USDT', '1m', 3, false, 'hidden'), chart('BTC/USDT', '1m', 2, true, 'shown')], btc, 1, true), 'shown');
  });

  it('between equals, the panel opened or active last (VS Code reports a new panel as shown before it says which is)', () => {
    const open = [chart('BTC/USDT', '1m', 1, true, 'older', 1), chart('BTC/USDT', '5m', 1, true, 'newer', 2), chart('BTC/USDT', '5m', 1, true, 'oldest', 0)];
    assert.equal(pick(open, btc, 1), 'newer');
    assert.equal(pick([chart('BTC/USDT', '1m', 1, false, 'hidden-newer', 9), chart('BTC/USDT', '1m', 1, true, 'shown-older', 1)], btc, 1), 'shown-older');
  });

  it('Open Footprint Chart brings forward only a chart in footprint mode (it never switches another chart’s mode)', () => {
    const plain = chart('BTC/USDT', '1m', 1, true, 'plain');
    const footprint = { ...chart('BTC/USDT', '5m', 1, false, 'footprint'), state: { kind: 'chart' as const, exchange: 'binance', symbol: 'BTC/USDT', timeframe: '5m' as const, footprint: true as const } };
    assert.equal(pick([plain], { ...btc, footprint: true }, 1), undefined);
    assert.equal(pick([plain, footprint], { ...btc, footprint: true }, 1), 'footprint');
    assert.equal(pick([footprint], btc, 1), 'footprint', 'a click on the market brings forward its chart, footprint or not');
  });

  it('matches the kind, the exchange and the symbol: an order book is not a chart, another exchange is another market', () => {
    const open = [book(1, 'book'), { ...chart('BTC/USDT', '1m', 1, true, 'bybit'), state: { kind: 'chart' as const, exchange: 'bybit', symbol: 'BTC/USDT', timeframe: '1m' as const } }];
    assert.equal(pick(open, btc, 1), undefined);
    assert.equal(pick(open, { kind: 'orderbook', exchange: 'binance', symbol: 'BTC/USDT' }, 1), 'book');
  });

  it('with no active group (nothing open) reveals nothing unless revealIfOpen', () => {
    const open = [chart('BTC/USDT', '1m', undefined, false, 'unplaced')];
    assert.equal(pick(open, btc, undefined), undefined);
    assert.equal(pick(open, btc, undefined, true), 'unplaced');
  });
});
