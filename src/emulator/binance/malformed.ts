/** Binance events with broken fields, for fault injection. */
import type { Json } from '../json';


/** An event of the right type for `stream` whose numeric fields are not numbers. */
export function badFieldsEvent(stream: string, symbolId: string, eventTime: number): Json {
  const channel = stream.slice(stream.indexOf('@') + 1);
  switch (channel) {
    case 'aggTrade':
      return { e: 'aggTrade', E: eventTime, s: symbolId, a: -1, p: 'not-a-number', q: 'NaN', f: -1, l: -1, T: eventTime, m: false, M: true };
    case 'depth':
    case 'depth@100ms':
      return { e: 'depthUpdate', E: eventTime, s: symbolId, U: 'not-a-number', u: 'not-a-number', b: [['not-a-number', 'NaN']], a: [] };
    case 'forceOrder':
      return { e: 'forceOrder', E: eventTime, o: { s: symbolId, S: 'SIDEWAYS', o: 'LIMIT', f: 'IOC', q: 'NaN', p: 'not-a-number', ap: 'x', X: 'FILLED', l: 'x', z: 'x', T: 'x' } };
    case 'ticker':
      return { e: '24hrTicker', E: eventTime, s: symbolId, c: 'not-a-number', b: 'NaN', a: 'NaN', o: 'x', h: 'x', l: 'x', v: 'x', q: 'x' };
    case 'miniTicker':
      return { e: '24hrMiniTicker', E: eventTime, s: symbolId, c: 'not-a-number', o: 'x', h: 'x', l: 'x', v: 'x', q: 'x' };
    default:
      return { e: 'trade', E: eventTime, s: symbolId, t: -1, p: 'not-a-number', q: 'NaN', T: eventTime, m: false, M: true };
  }
}
