/** The exchanges a hub serves: the live ones, and each replay opened (a market of its own, on its own clock). */
import type { FirstBarsExchange } from '../exchange/firstBars/klinesShortcut';
import { UnknownExchangeError } from '../errors';
import type { MarketDataClient } from '../exchange/marketDataClient';
import type { ClientLookup } from '../hub/validateRequest';
import type { Clock } from '../util/clock';
import { errorMessage, scopedLogger, silentLogger, type Logger } from '../util/log';
import { toDisposable, type Disposable } from '../../shared/util/disposable';
import { Emitter } from '../../shared/util/emitter';
import { parseReplayId, replayId } from './replayId';
import type { RecordSource } from '../record/recordSource';
import { ReplayClient } from './replayClient';
import { ReplaySession, type ReplaySessionOptions } from './replaySession';

interface Opened {
  readonly session: Promise<ReplaySession>;
  client: ReplayClient | undefined;
  refs: number;
}

/** A hold on an open replay: its controls; disposing the last hold closes the session and its streams. */
export interface ReplayHandle extends Disposable {
  readonly session: ReplaySession;
}

export interface ReplayRegistryOptions {
  /** Where recordings are read from, asked when a replay opens (a setting may change it); undefined: recording is off. */
  readonly source: () => RecordSource | undefined;
  readonly log?: Logger;
  readonly session?: Pick<ReplaySessionOptions, 'tickMs' | 'realClock' | 'bookLookbackMs'>;
}

/**
 * A ClientLookup over the live exchanges plus the replays opened through `open()`. Opening the same replay twice
 * shares one session (two panels on one replay play together); the last handle disposed closes it.
 */
export class ReplayRegistry implements ClientLookup {
  private readonly opened = new Map<string, Opened>();
  private readonly log: Logger;
  private readonly rewound = new Emitter<[string]>((err) => this.log.error(`a rewind listener threw: ${errorMessage(err)}`));
  readonly onDidRewind = (listener: (exchange: string) => void): Disposable => this.rewound.event(listener);

  constructor(
    private readonly live: ClientLookup,
    private readonly opts: ReplayRegistryOptions,
  ) {
    this.log = opts.log ?? silentLogger;
  }

  /** The configured exchanges (the Markets tree lists these; a replay is opened, not listed). */
  ids(): readonly string[] {
    return this.live.ids();
  }

  /** The live exchanges' (a replay's markets are its recording's and never change). */
  onDidChangeMarkets(listener: (exchange: string) => void): Disposable {
    return this.live.onDidChangeMarkets?.(listener) ?? toDisposable(() => undefined);
  }

  has(exchange: string): boolean {
    return this.live.has(exchange) || this.opened.get(exchange)?.client !== undefined;
  }

  async get(exchange: string): Promise<MarketDataClient> {
    const client = this.opened.get(exchange)?.client;
    if (client) return client;
    if (this.live.has(exchange)) return this.live.get(exchange);
    throw new UnknownExchangeError(exchange, this.ids());
  }

  /** A live exchange's (a replay's bars are its recording's). */
  firstBars(exchange: string): FirstBarsExchange | undefined {
    return this.opened.has(exchange) ? undefined : this.live.firstBars?.(exchange);
  }

  replayClock(exchange: string): Clock | undefined {
    return this.opened.get(exchange)?.client?.session;
  }

  /** Opens `replay:<exchange>:<symbol>@<start>` (parsed as untrusted); rejects naming what is wrong or missing. */
  async open(name: string): Promise<ReplayHandle> {
    const target = parseReplayId(name);
    const id = replayId(target); // one spelling per replay, however it was typed
    let entry = this.opened.get(id);
    if (!entry) {
      const source = this.opts.source();
      if (!source) throw new Error(`${id} cannot be opened: no recording store is set`);
      const log = scopedLogger(this.log, id);
      const opening = ReplaySession.open({ ...this.opts.session, source, target, log });
      const created: Opened = {
        client: undefined,
        refs: 0,
        session: opening.then(
          (s) => {
            created.client = new ReplayClient(s, source, target.market, log);
            s.onDidRewind(() => this.rewound.fire(id)); // ends with the session
            return s;
          },
          (err: unknown) => {
            if (this.opened.get(id) === created) this.opened.delete(id);
            throw err;
          },
        ),
      };
      entry = created;
      this.opened.set(id, created);
    }
    entry.refs++;
    const held = entry;
    let session: ReplaySession;
    try {
      session = await held.session;
    } catch (err) {
      held.refs--;
      throw err;
    }
    const release = toDisposable(() => {
      if (--held.refs > 0) return;
      if (this.opened.get(id) === held) this.opened.delete(id);
      session.dispose();
    });
    return { session, dispose: () => release.dispose() };
  }

  /** Closes every replay (the live clients are their owner's to close). */
  async closeAll(): Promise<void> {
    for (const [id, o] of [...this.opened]) {
      this.opened.delete(id);
      o.session.then((s) => s.dispose()).catch((err: unknown) => this.log.debug(`${id}: ${errorMessage(err)}`));
    }
  }
}
