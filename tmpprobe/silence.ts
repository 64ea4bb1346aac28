import { Rig, Recorder } from '../test/helpers/emulatorHub';
import type { SubscriptionRequest } from '../src/core/hub/requests';
type TradesReq = Extract<SubscriptionRequest, { kind: 'trades' }>;
const M = [['binance','BTC/USDT'],['coinbase','BTC/USD'],['bybit','BTC/USDT:USDT']] as const;
async function one(ex: any, symbol: string) {
  const rig = await Rig.start({ exchange: ex, tradesPerSecond: 20, historyMinutes: 5 });
  const rec = new Recorder<TradesReq>();
  const t0 = Date.now();
  const states: string[] = [];
  rig.hub.subscribe({ kind: 'trades', exchange: ex, symbol }, (e) => { if (e.type === 'state') states.push(`${((Date.now()-t0)/1000).toFixed(1)} ${e.state.status}`); rec.consume(e); });
  await rec.next((e) => e.type === 'trades', 'trades', 30000);
  const ts = Date.now();
  console.log(ex, 'silenced', rig.emulator.silenceConnections());
  const r = await rec.upcoming((e) => e.type === 'state' && e.state.status !== 'live', 'not live', 700000).then(() => (Date.now()-ts)/1000, (e) => String(e));
  console.log(ex, 'detected after', r, states.join(' | '));
  await rec.upcoming((e) => e.type === 'trades', 'trades again', 60000);
  console.log(ex, 'trades again after', (Date.now()-ts)/1000);
  await rig.close();
}
void Promise.all(M.map(([e,s]) => one(e,s))).then(() => process.exit(0));
