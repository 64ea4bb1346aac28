/**
 * ccxt's Coinbase unsubscribe (4.5.84) left server subscriptions streaming for markets nobody watched any more:
 * - it finishes an unsubscribe only on a `subscriptions` answer that lists nothing at all, so while any other stream
 *   shares the socket the unsubscribe never finishes;
 * - it refuses a second unsubscribe while one is pending (`unSubscriptionPending`), a flag that an unfinished or failed
 *   one never clears: from then on every unsubscribe of the instance was refused (closing two charts at once did it).
 * This hook finishes a pending unsubscribe on the first `subscriptions` answer that no longer lists its products, and
 * runs the instance's unsubscribes one at a time, each given up after `timeoutMs`, always clearing the flag after.
 */
import type { ProExchange } from './ccxtLoader';
import { parseCoinbaseHash, productIdOf } from './coinbaseHash';

interface WsClient {
  subscriptions: Record<string, unknown>;
}

interface PendingUnsubscription {
  messageHashes?: unknown;
  subMessageHashes?: unknown;
}

type UnsubscribeMethod = (...args: unknown[]) => Promise<unknown>;

interface CoinbaseInternals {
  options: Record<string, unknown>;
  clients?: Record<string, WsClient | undefined>;
  markets?: Record<string, { id?: unknown } | undefined>;
  unSubscribe: UnsubscribeMethod;
  unSubscribeMultiple: UnsubscribeMethod;
  handleSubscriptionStatus(client: WsClient, message: unknown): unknown;
  cleanUnsubscription(client: WsClient, subHash: string, unsubHash: string): void;
  cleanCache(subscription: unknown): void;
}

export const COINBASE_UNSUBSCRIBE_TIMEOUT_MS = 10_000;

export function fixCoinbaseUnsubscribes(exchange: ProExchange, timeoutMs = COINBASE_UNSUBSCRIBE_TIMEOUT_MS): void {
  const ex = exchange as unknown as CoinbaseInternals;
  finishOnceUnlisted(ex);
  runOneAtATime(ex, timeoutMs);
}

function finishOnceUnlisted(ex: CoinbaseInternals): void {
  const original = ex.handleSubscriptionStatus.bind(ex);
  ex.handleSubscriptionStatus = (client, message) => {
    const result = original(client, message);
    const pending = ex.options['unSubscription'] as PendingUnsubscription | undefined;
    const listed = listedSubscriptions(message);
    if (pending === undefined || listed === undefined) return result;
    const unsubHashes = strings(pending.messageHashes);
    const subHashes = strings(pending.subMessageHashes);
    // ccxt's own handler already finished it (nothing listed) when its hashes are gone from the client.
    if (unsubHashes.length === 0 || !unsubHashes.every((h) => h in client.subscriptions)) return result;
    if (!subHashes.every((h) => !stillListed(ex, h, listed))) return result;
    unsubHashes.forEach((h, i) => ex.cleanUnsubscription(client, subHashes[i] ?? '', h));
    ex.cleanCache(pending);
    return result;
  };
}

function runOneAtATime(ex: CoinbaseInternals, timeoutMs: number): void {
  let tail: Promise<unknown> = Promise.resolve();
  for (const name of ['unSubscribe', 'unSubscribeMultiple'] as const) {
    const original = ex[name].bind(ex);
    ex[name] = (...args) => {
      const run = tail.then(() => withinTimeout(ex, () => original(...args), timeoutMs));
      tail = run.catch(() => undefined);
      return run;
    };
  }
}

/** Runs one unsubscribe; a failed or unanswered one has its hashes forgotten, so a later watch or unsubscribe is sent. */
async function withinTimeout(ex: CoinbaseInternals, start: () => Promise<unknown>, timeoutMs: number): Promise<unknown> {
  const running = start();
  // ccxt sets the pending subscription synchronously, before its first await.
  const pending = ex.options['unSubscription'] as PendingUnsubscription | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`coinbase did not confirm an unsubscribe within ${timeoutMs} ms`)), timeoutMs);
    timer.unref?.(); // an unanswered unsubscribe never holds a process (the bot's exit) open
  });
  try {
    return await Promise.race([running, timedOut]);
  } catch (err) {
    running.catch(() => undefined);
    // What the server holds is unknown now: forgetting both sides makes a later watch or unsubscribe send again.
    const hashes = [...strings(pending?.messageHashes), ...strings(pending?.subMessageHashes)];
    for (const client of Object.values(ex.clients ?? {})) for (const hash of hashes) if (client) delete client.subscriptions[hash];
    throw err;
  } finally {
    clearTimeout(timer);
    ex.options['unSubscriptionPending'] = false;
    ex.options['unSubscription'] = undefined;
  }
}

/** The channels and product ids a `subscriptions` answer lists (Advanced Trade: `events[0].subscriptions`). */
function listedSubscriptions(message: unknown): Record<string, readonly string[]> | undefined {
  const events = (message as { events?: unknown } | null)?.events;
  const first: unknown = Array.isArray(events) ? events[0] : undefined;
  const subs = (first as { subscriptions?: unknown } | undefined)?.subscriptions;
  if (typeof subs !== 'object' || subs === null) return undefined;
  const out: Record<string, readonly string[]> = {};
  for (const [channel, ids] of Object.entries(subs)) out[channel] = strings(ids);
  return out;
}

/** Whether the answer still lists a product of the subscription `hash` on its channel. */
function stillListed(ex: CoinbaseInternals, hash: string, listed: Record<string, readonly string[]>): boolean {
  const parsed = parseCoinbaseHash(hash);
  if (parsed === undefined) return false;
  const ids = listed[parsed.channel] ?? [];
  return parsed.symbols.some((s) => {
    const id = productIdOf(ex.markets, s);
    return id !== undefined && ids.includes(id);
  });
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
