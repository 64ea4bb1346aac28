/** Recording from the extension: the markets asked for in settings, plus every open market when "record what is open" is on. */
import * as vscode from 'vscode';
import { marketId } from '../../core/keys';
import { RecordingService } from '../../core/record/recordingService';
import type { RecordedMarket } from '../../core/record/recordTypes';
import { isReplayId } from '../../core/replay/replayId';
import { scopedLogger, type Logger } from '../../core/util/log';
import type { RecordingInfo } from '../../shared/protocol';
import { isAggregateMarket } from '../aggregates/aggregateRef';
import type { EngineHost } from '../engineHost';
import { formatBytes } from '../formatBytes';
import type { Settings } from '../settings';
import { NOT_RECORDED, recordingInfo } from './recordingStatus';

/** What the Markets tree and the panels read: each market's recording state, and when it changes. */
export interface RecordingStatusSource {
  info(market: RecordedMarket): RecordingInfo;
  /** The Recordings node's note on the recorders: "recording 2 now", and the store's trouble if any. */
  summary(): string | undefined;
  readonly onDidChange: vscode.Event<void>;
}

/** The open panels, as the controller follows them. */
export interface OpenMarkets {
  all(): ReadonlyArray<{ readonly state: RecordedMarket }>;
  readonly onDidChange: vscode.Event<void>;
}

type Wanted = { readonly market: RecordedMarket; readonly why: 'asked' | 'open' };

/**
 * Owns the RecordingService while anything is to be recorded (its first market starts the engine; none left, it
 * holds no recorder, timer or stream). A recorder is one more consumer of the hub's shared subscriptions, so
 * recording what a panel shows opens no connection, and an open market's recorder stops with its last panel.
 */
export class RecordingController implements RecordingStatusSource, vscode.Disposable {
  private service: RecordingService | undefined;
  /** The recorders' stop under way (they write what they hold): sync() waits for the caller of stop() to ask again. */
  private stopping: Promise<void> | undefined;
  private wanted: readonly Wanted[] = [];
  private wantedKey = '';
  private openMarkets: OpenMarkets | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly log: Logger;

  constructor(
    private readonly engine: EngineHost,
    private readonly settings: () => Settings,
    log: Logger,
    private readonly warn: (message: string) => void,
  ) {
    this.log = scopedLogger(log, 'record');
  }

  /** Follows the open panels (for "record what is open"); the returned Disposable stops following. */
  followPanels(panels: OpenMarkets): vscode.Disposable {
    this.openMarkets = panels;
    this.sync();
    return panels.onDidChange(() => this.sync());
  }

  /**
   * Applies the settings and the open panels: starts the recorders now wanted, stops the others. Not while stop() is
   * under way: a recorder started then would ride the streams of the engine being stopped, outlive the stop, and no
   * later sync would move it (the set wanted is the same); the caller of stop() syncs once the engine is back.
   */
  sync(): void {
    if (this.stopping) return;
    const wanted = this.compute();
    const key = wanted.map((w) => `${marketId(w.market)}\u0000${w.why}`).join('\u0001');
    if (key === this.wantedKey && (this.service || wanted.length === 0)) return;
    this.wanted = wanted;
    this.wantedKey = key;
    if (wanted.length > 0 || this.service) this.ensureService().setMarkets(wanted.map((w) => w.market));
    this.changed.fire();
  }

  /** Why a market is recorded now, or undefined. */
  reason(market: RecordedMarket): 'asked' | 'open' | undefined {
    return this.wanted.find((w) => marketId(w.market) === marketId(market))?.why;
  }

  info(market: RecordedMarket): RecordingInfo {
    const why = this.reason(market);
    if (!why || !this.service) return NOT_RECORDED;
    return recordingInfo(this.service.stateOf(market) ?? { status: 'starting' }, this.service.store, why, this.service.location);
  }

  summary(): string | undefined {
    if (!this.service || this.wanted.length === 0) return undefined;
    const store = this.service.store;
    const note = store.status === 'overBudget' ? ` · over budget (${formatBytes(store.bytes)} of ${formatBytes(store.maxBytes)})` : store.status === 'failed' ? ' · upkeep failed' : '';
    return `recording ${this.wanted.length} now${note}`;
  }

  /** Stops every recorder (each writes what it holds); `sync()` starts them again (after an engine restart, a new directory). */
  async stop(): Promise<void> {
    const service = this.service;
    this.service = undefined;
    this.wantedKey = '';
    if (!service) return this.stopping;
    const stopping = service.close().finally(() => {
      if (this.stopping === stopping) this.stopping = undefined;
    });
    this.stopping = stopping;
    return stopping;
  }

  dispose(): void {
    void this.stop();
    this.changed.dispose();
  }

  private compute(): Wanted[] {
    const s = this.settings();
    const out = new Map<string, Wanted>();
    for (const m of s.recording.markets) out.set(marketId(m), { market: { exchange: m.exchange, symbol: m.symbol }, why: 'asked' });
    if (s.recording.recordOpenMarkets) {
      for (const p of this.openMarkets?.all() ?? []) {
        const m = { exchange: p.state.exchange, symbol: p.state.symbol };
        if (isReplayId(m.exchange) || isAggregateMarket(m) || out.has(marketId(m))) continue; // a replay or an aggregate is not a market of its own
        out.set(marketId(m), { market: m, why: 'open' });
      }
    }
    return [...out.values()];
  }

  private ensureService(): RecordingService {
    if (this.service) return this.service;
    const service = new RecordingService({
      hub: this.engine.hub,
      root: this.engine.recordingRoot,
      ...(this.engine.clickHouse ? { clickHouse: this.engine.clickHouse } : {}),
      policy: () => {
        const r = this.settings().recording;
        return { ...(r.maxSizeGB > 0 ? { maxBytes: Math.round(r.maxSizeGB * 1e9) } : {}), ...(r.retentionDays > 0 ? { retentionDays: r.retentionDays } : {}) };
      },
      log: this.log,
    });
    let overBudget = false;
    service.onDidChange(() => {
      if (this.service !== service) return;
      const store = service.store;
      if (store.status === 'overBudget' && !overBudget) this.warn(`TradeSuite recordings in ${service.root} take ${formatBytes(store.bytes)}, over the budget of ${formatBytes(store.maxBytes)} (tradesuite.recording.maxSizeGB), with only today's data left. Recording goes on.`);
      overBudget = store.status === 'overBudget';
      this.changed.fire();
    });
    this.service = service;
    return service;
  }
}
