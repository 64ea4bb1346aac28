/**
 * The poll loop of one derivatives market: its open interest and funding rate, each one REST request per round
 * taken under the exchange's RequestBudget. A failed round backs off (`retrying`, with the attempt, reason and next
 * try) and polls again, for as long as anyone listens; a figure the exchange refuses (not served, not a contract)
 * is dropped and named (`degraded`), and with none left the loop ends `failed`. It never throws.
 */
import { UnsupportedStreamError } from '../errors';
import type { MarketKey } from '../keys';
import type { MarketDataClient } from '../exchange/marketDataClient';
import { backoffDelay, type BackoffPolicy } from '../streams/backoff';
import { classifyError, responseFacts } from '../streams/errorKind';
import type { StreamState } from '../types';
import { userMessage, type Logger } from '../util/log';
import { sleep } from '../util/sleep';
import type { FundingFigure, OpenInterestFigure } from './derivativesFigures';
import type { RequestBudget } from './requestBudget';

export type DerivativesEvent =
  | { readonly type: 'openInterest'; readonly figure: OpenInterestFigure }
  | { readonly type: 'funding'; readonly figure: FundingFigure }
  | { readonly type: 'state'; readonly state: StreamState };

type Figure = 'openInterest' | 'funding';
const NAMES: Readonly<Record<Figure, string>> = { openInterest: 'open interest (fetchOpenInterest)', funding: 'funding rate (fetchFundingRate)' };

export interface PollerDeps {
  readonly client: () => Promise<MarketDataClient>;
  /** The exchange's budget, made with ccxt's rateLimit the first time it is asked for. */
  readonly budget: (rateLimitMs: number) => RequestBudget;
  /** One attempt of a REST call under the exchange's concurrency limit and rate-limit pause. */
  readonly request: <T>(what: string, call: () => Promise<T>, signal: AbortSignal) => Promise<T>;
  readonly intervalMs: number;
  readonly backoff: BackoffPolicy;
  readonly log: Logger;
  readonly now: () => number;
}

/** Runs until `signal` aborts (the returned promise then resolves) or nothing is left to poll. */
export async function pollDerivatives(market: MarketKey, deps: PollerDeps, emit: (e: DerivativesEvent) => void, signal: AbortSignal): Promise<void> {
  const where = `${market.exchange} ${market.symbol}`;
  try {
    emit({ type: 'state', state: { status: 'connecting' } });
    const figures = await pollable(market, deps, emit, signal);
    if (typeof figures === 'string') {
      emit({ type: 'state', state: { status: 'failed', reason: figures } });
      return;
    }
    const { budget, kinds } = figures;
    const refused: string[] = [];
    let failures = 0;
    let shown: StreamState['status'] | undefined;
    while (!signal.aborted) {
      let failure: { reason: string; retryAfterMs: number } | undefined;
      for (const kind of [...kinds]) {
        await budget.take(signal);
        try {
          const client = await deps.client();
          if (kind === 'openInterest') {
            const fetch = client.fetchOpenInterest?.bind(client);
            if (!fetch) throw new UnsupportedStreamError(market.exchange, 'open interest here');
            emit({ type: 'openInterest', figure: await deps.request(`${NAMES[kind]} ${where}`, () => fetch(market.symbol), signal) });
          } else {
            const fetch = client.fetchFundingRate?.bind(client);
            if (!fetch) throw new UnsupportedStreamError(market.exchange, 'funding rate here');
            emit({ type: 'funding', figure: await deps.request(`${NAMES[kind]} ${where}`, () => fetch(market.symbol), signal) });
          }
        } catch (err) {
          if (signal.aborted) return;
          const message = `${NAMES[kind]} of ${where}: ${userMessage(err)}`;
          const errorKind = classifyError(err);
          if (errorKind === 'bad-request') {
            // Asking again will not help: this figure is dropped for as long as this poller lives.
            kinds.splice(kinds.indexOf(kind), 1);
            refused.push(message);
            deps.log.warn(`${message}; no longer polled`);
            continue;
          }
          failure ??= { reason: message, retryAfterMs: responseFacts(err).retryAfterMs ?? retryAfterOf(err) };
          if (errorKind === 'rate-limit') break; // the rest of the round would only queue behind the exchange's pause
        }
      }
      if (kinds.length === 0) {
        emit({ type: 'state', state: { status: 'failed', reason: refused.join('; ') } });
        return;
      }
      let wait = deps.intervalMs;
      if (failure) {
        failures++;
        wait = Math.max(backoffDelay(deps.backoff, failures), failure.retryAfterMs);
        deps.log.warn(`${failure.reason}; attempt ${failures}, polling again in ${wait} ms`);
        emit({ type: 'state', state: { status: 'retrying', attempt: failures, reason: failure.reason, retryAt: deps.now() + wait } });
        shown = 'retrying';
      } else {
        failures = 0;
        const status = refused.length > 0 ? 'degraded' : 'live';
        if (shown !== status) emit({ type: 'state', state: status === 'live' ? { status, since: deps.now() } : { status, reason: refused.join('; ') } });
        shown = status;
      }
      await sleep(wait, signal);
    }
  } catch (err) {
    if (signal.aborted) return;
    // Nothing above throws but an abort; should it, the consumer is told, and nothing else stops.
    emit({ type: 'state', state: { status: 'failed', reason: `polling ${where}: ${userMessage(err)}` } });
  }
}

/** What can be polled on the market, and its exchange's budget; or why nothing can. */
async function pollable(market: MarketKey, deps: PollerDeps, emit: (e: DerivativesEvent) => void, signal: AbortSignal): Promise<{ budget: RequestBudget; kinds: Figure[] } | string> {
  const where = `${market.exchange} ${market.symbol}`;
  for (let attempt = 1; ; attempt++) {
    try {
      const client = await deps.client();
      const polling = await client.derivativesPolling?.();
      if (!polling) return `${market.exchange}: open interest and funding are not polled on this source`;
      const markets = await deps.request(`load markets (${where})`, () => client.loadMarkets(), signal);
      const info = markets.find((m) => m.symbol === market.symbol);
      if (!info) return `${market.exchange} has no market ${market.symbol}`;
      if (info.contract === undefined || (typeof info.contract !== 'string' && info.contract.segment === 'spot')) return `${where} is a spot market: it has no open interest or funding`;
      const kinds: Figure[] = [...(polling.openInterest ? (['openInterest'] as const) : []), ...(polling.fundingRate ? (['funding'] as const) : [])];
      if (kinds.length === 0) return `${market.exchange} serves neither fetchOpenInterest nor fetchFundingRate`;
      return { budget: deps.budget(polling.rateLimitMs), kinds };
    } catch (err) {
      if (signal.aborted) throw err;
      if (classifyError(err) === 'bad-request') return `${where}: ${userMessage(err)}`;
      const wait = backoffDelay(deps.backoff, attempt);
      emit({ type: 'state', state: { status: 'retrying', attempt, reason: `${where}: ${userMessage(err)}`, retryAt: deps.now() + wait } });
      await sleep(wait, signal);
    }
  }
}

/** A RestPausedError carries how long the exchange asked for quiet. */
function retryAfterOf(err: unknown): number {
  const ms = (err as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  return typeof ms === 'number' && Number.isFinite(ms) ? ms : 0;
}
