/**
 * Replays a recording into one emulated market: the trades up to the start point are history; from there each
 * trade is appended to the market's log and pushed on the streams when the replay clock reaches its time. All
 * trades of one millisecond go out together, in recorded order, in one turn of the event loop.
 */
import type { SymbolMarket } from '../symbolMarket';
import type { RecordedUnits } from '../tradeLog';
import type { EmulatorOptions, ReplayOptions } from '../types';
import { loadRecording, type Recording } from './recording';
import { ReplayClock } from './replayClock';
import { ReplayKlines } from './replayKlines';

export interface ReplayState {
  readonly symbol: string;
  /** Where the replay started, the recorded period, and the replay clock now (ms since the epoch). */
  readonly from: number;
  readonly start: number;
  readonly end: number;
  readonly now: number;
  readonly speed: number;
  readonly paused: boolean;
  /** Recorded trades in the market so far (history plus replayed), of `total`. */
  readonly published: number;
  readonly total: number;
  readonly finished: boolean;
}

/** Parses `from` (ms or ISO time) and checks it lies within the recorded period. */
export function replayStart(recording: Recording, from: number | string | undefined): number {
  if (from === undefined) return recording.start;
  const time = typeof from === 'number' ? from : /^[0-9]+$/.test(from) ? Number(from) : Date.parse(from);
  const range = `${new Date(recording.start).toISOString()} to ${new Date(recording.end).toISOString()}`;
  if (!Number.isSafeInteger(time)) throw new Error(`replay: 'from' must be ms since the epoch or an ISO 8601 time, got '${String(from)}'`);
  if (time < recording.start || time > recording.end) throw new Error(`replay: 'from' ${new Date(time).toISOString()} lies outside the recording (${range})`);
  return time;
}

interface Waiter {
  readonly time: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** A prepared replay: the loaded recording and its clock, not yet attached to a market. */
export interface ReplayPlan {
  readonly recording: Recording;
  readonly clock: ReplayClock;
  readonly from: number;
}

/** Options that describe a generated market make no sense beside a recording: refuse them rather than ignore them. */
export function checkReplayOptions(options: EmulatorOptions): void {
  if (options.exchange !== undefined && options.exchange !== 'binance') throw new Error(`replay: recordings are of Binance spot markets; the emulator cannot replay one as ${options.exchange}`);
  const clashing = (['symbols', 'now', 'tradesPerSecond', 'historyMinutes', 'historyTradesPerMinute'] as const).filter((key) => options[key] !== undefined);
  if (clashing.length > 0) throw new Error(`EmulatorOptions.${clashing.join(', ')} cannot be combined with replay: the recording defines the market and its clock`);
}

/** Loads the recording and sets its clock at the start point. */
export async function planReplay(options: ReplayOptions): Promise<ReplayPlan> {
  if (typeof options !== 'object' || options === null || typeof options.dir !== 'string' || options.dir === '') throw new Error('replay: a recording folder (dir) is required');
  const recording = await loadRecording(options.dir);
  const from = replayStart(recording, options.from);
  return { recording, from, clock: new ReplayClock(from, recording.end, options.speed ?? 1, options.paused ?? false) };
}

export class Replay {
  readonly recording: Recording;
  readonly clock: ReplayClock;
  readonly from: number;
  /** Resolves once the last recorded trade has been replayed. */
  readonly finished: Promise<void>;
  private next = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly waiters = new Set<Waiter>();
  private resolveFinished: () => void = () => undefined;

  constructor(
    plan: ReplayPlan,
    private readonly market: SymbolMarket,
    /** Pushes the log's trades [from, to) on the streams, together. */
    private readonly publish: (from: number, to: number) => void,
  ) {
    ({ recording: this.recording, clock: this.clock, from: this.from } = plan);
    const recording = plan.recording;
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
    market.serveKlines(new ReplayKlines(recording, market.log));
    for (let trade = this.due(this.from); trade !== undefined; trade = this.due(this.from)) {
      market.log.appendRecorded(trade);
      this.next += 1;
    }
  }

  /** Starts replaying (called once the emulator listens). */
  start(): void {
    this.pump();
  }

  state(): ReplayState {
    return {
      symbol: this.recording.symbol,
      from: this.from,
      start: this.recording.start,
      end: this.recording.end,
      now: this.clock.now(),
      speed: this.clock.speed,
      paused: this.clock.paused,
      published: this.next,
      total: this.recording.tradeUnits.length,
      finished: this.next >= this.recording.tradeUnits.length,
    };
  }

  pause(): void {
    this.clock.pause();
    this.pump();
  }

  resume(): void {
    this.clock.resume();
    this.pump();
  }

  setSpeed(speed: number): void {
    this.clock.setSpeed(speed);
    this.pump();
  }

  /** Moves the clock forward to `time` and sends every trade up to it now (bursts together). */
  advanceTo(time: number): void {
    this.clock.advanceTo(time);
    this.pump();
  }

  /** Resolves once the replay clock has reached `time` and every trade up to it has been sent (capped at the end). */
  waitUntil(time: number): Promise<void> {
    if (this.closed) return Promise.reject(new Error('replay: the emulator is closed'));
    const target = Math.min(time, this.recording.end);
    if (this.clock.now() >= target) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.add({ time: target, resolve, reject });
      this.pump();
    });
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const w of this.waiters) w.reject(new Error('replay: the emulator was closed'));
    this.waiters.clear();
  }

  /** The next recorded trade if its time is at or before `time`. */
  private due(time: number): RecordedUnits | undefined {
    const trade = this.recording.tradeUnits[this.next];
    return trade !== undefined && trade.timestamp <= time ? trade : undefined;
  }

  /** Sends what is due, settles waiters, and sleeps until the next trade or waiter is due. */
  private pump(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    const now = this.clock.now();
    const log = this.market.log;
    const first = log.length;
    for (let trade = this.due(now); trade !== undefined; trade = this.due(now)) {
      log.appendRecorded(trade);
      this.next += 1;
    }
    if (log.length > first) this.publish(first, log.length);
    const units = this.recording.tradeUnits;
    if (this.next >= units.length) this.resolveFinished();
    for (const w of this.waiters) {
      if (w.time > now) continue;
      this.waiters.delete(w);
      w.resolve();
    }
    const due = Math.min(units[this.next]?.timestamp ?? Infinity, ...[...this.waiters].map((w) => w.time));
    const delay = due === Infinity ? Infinity : this.clock.wallDelayUntil(due);
    if (delay !== Infinity) this.timer = setTimeout(() => this.pump(), Math.max(1, Math.ceil(delay)));
  }
}
