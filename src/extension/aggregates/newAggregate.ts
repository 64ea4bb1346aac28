/** The New Aggregate command: pick a base and its legs (proposed: the same base on every configured exchange), then a name. */
import * as vscode from 'vscode';
import type { AggregateLeg } from '../../core/aggregate/aggregateDefinition';
import { legRef } from '../../core/aggregate/parseAggregateSetting';
import { userMessage } from '../../core/util/log';
import { errorText } from '../../shared/util/shortText';
import type { MarketInfo } from '../../core/exchange/marketDataClient';
import type { MarketsTreeProvider } from '../markets/marketsTreeProvider';
import { appended } from '../listSettingEdit';
import { settingInEffect } from '../settingInEffect';
import { SECTION, type Settings } from '../settings';
import { legChoices } from './defaultLegs';

/** Adds an aggregate to `tradesuite.aggregates` (where it is in effect: the workspace's settings when they set it, else the user's); resolves to its name, or undefined when cancelled. */
export async function newAggregate(tree: Pick<MarketsTreeProvider, 'markets'>, settings: () => Settings): Promise<string | undefined> {
  const base = (await vscode.window.showInputBox({ title: 'New Aggregate (1/3): base currency', value: 'BTC', validateInput: (v) => (/^[A-Za-z0-9]{1,20}$/.test(v.trim()) ? undefined : 'letters and digits, e.g. BTC') }))?.trim().toUpperCase();
  if (!base) return undefined;
  const { lists, unavailable } = await legLists(tree, settings().exchanges.map((e) => e.id));
  const { choices, proposed } = legChoices(lists, base);
  if (choices.length < 2) {
    void vscode.window.showWarningMessage(`New Aggregate: fewer than two markets of ${base} on the configured exchanges${unavailable.length ? `; ${notLoaded(unavailable)}` : ''}.`);
    return undefined;
  }
  // Said, not only left out: an exchange missing from the list would read as one that lists no market of the base.
  if (unavailable.length) void vscode.window.showWarningMessage(`New Aggregate: ${notLoaded(unavailable)}; the other exchanges' markets are offered.`);
  const picked = new Set(proposed.map(legRef));
  // A market listed as another's name (Coinbase's BTC/USDC is BTC/USD's book) says so: picking both is refused when the aggregate opens.
  const aliasOf = (l: AggregateLeg) => lists.find((x) => x.exchange === l.exchange)?.markets.find((m) => m.symbol === l.symbol)?.aliasOf;
  const items = choices.map((l) => {
    const alias = aliasOf(l);
    return { label: l.symbol, description: alias === undefined ? l.exchange : `${l.exchange} · same book as ${alias}`, picked: picked.has(legRef(l)), leg: l };
  });
  const chosen = await vscode.window.showQuickPick(items, { title: `New Aggregate (2/3): legs of ${base}`, canPickMany: true, placeHolder: `the same base on every configured exchange is proposed${unavailable.length ? ` · unavailable: ${unavailable.map((u) => u.exchange).join(', ')}` : ''}` });
  if (!chosen || chosen.length < 2) return undefined;
  const legs: AggregateLeg[] = chosen.map((c) => c.leg);
  const taken = new Set(settings().aggregates.map((a) => a.name));
  let suggestion = `${base}-USD (agg)`;
  for (let i = 2; taken.has(suggestion); i++) suggestion = `${base}-USD (agg ${i})`;
  const name = (await vscode.window.showInputBox({ title: 'New Aggregate (3/3): name', value: suggestion, validateInput: (v) => (v.trim().length === 0 || v.length > 60 ? '1 to 60 characters' : taken.has(v.trim()) ? 'an aggregate has this name' : undefined) }))?.trim();
  if (!name) return undefined;
  // Where the legs mix USDT and USD quotes the aggregate counts them as one: said in its entry and in the tree.
  const quotes = new Set(lists.flatMap((l) => l.markets.filter((m) => legs.some((x) => x.exchange === l.exchange && x.symbol === m.symbol)).map((m) => m.quote)));
  const usdtIsUsd = quotes.has('USDT') && quotes.has('USD');
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const { target, raw } = settingInEffect(cfg, 'aggregates');
  const edit = appended('aggregates', raw, { name, legs: legs.map(legRef), ...(usdtIsUsd ? { usdtIsUsd: true } : {}) }, `the aggregate "${name}"`);
  if ('problem' in edit) {
    void vscode.window.showWarningMessage(edit.problem);
    return undefined;
  }
  // The chart opened next reads the settings the extension re-reads on this event (its listener came first).
  const applied = new Promise<void>((resolve) => {
    const sub = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(`${SECTION}.aggregates`)) return;
      sub.dispose();
      resolve();
    });
  });
  await cfg.update('aggregates', edit.next, target);
  await applied;
  if (usdtIsUsd) void vscode.window.showInformationMessage(`${name}: its legs quote in USDT and USD, so USDT is counted as USD ("usdtIsUsd": true in the setting).`);
  return name;
}

/** An exchange whose markets could not be loaded, and why (as a user reads it). */
interface Unavailable {
  readonly exchange: string;
  readonly reason: string;
}

/** Every exchange's markets, loaded side by side; one that fails offers no leg and is named with its reason. */
async function legLists(tree: Pick<MarketsTreeProvider, 'markets'>, exchanges: readonly string[]): Promise<{ lists: Array<{ exchange: string; markets: readonly MarketInfo[] }>; unavailable: Unavailable[] }> {
  const loaded = await Promise.allSettled(exchanges.map((id) => tree.markets(id)));
  const lists: Array<{ exchange: string; markets: readonly MarketInfo[] }> = [];
  const unavailable: Unavailable[] = [];
  loaded.forEach((result, i) => {
    const exchange = exchanges[i] ?? '';
    if (result.status === 'fulfilled') lists.push({ exchange, markets: result.value });
    else unavailable.push({ exchange, reason: errorText(userMessage(result.reason)) });
  });
  return { lists, unavailable };
}

const notLoaded = (unavailable: readonly Unavailable[]): string => `could not load the markets of ${unavailable.map((u) => `${u.exchange} (${u.reason})`).join(', ')}`;
