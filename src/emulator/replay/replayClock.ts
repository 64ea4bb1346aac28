/**
 * The replay clock: market time that runs `speed` × wall-clock time from a start point, can be paused, moved
 * forward and sped up, and stops at the end of the recording.
 */
export class ReplayClock {
  /** Market time at `wallBase`. */
  private base: number;
  private wallBase: number;
  private running: boolean;

  constructor(
    start: number,
    readonly end: number,
    private speedValue: number,
    paused: boolean,
    private readonly wallNow: () => number = () => performance.now(),
  ) {
    checkSpeed(speedValue);
    this.base = Math.min(start, end);
    this.wallBase = wallNow();
    this.running = !paused;
  }

  /** Market time now, in whole ms (never past the end). */
  now(): number {
    if (!this.running) return this.base;
    return Math.min(this.end, Math.floor(this.base + (this.wallNow() - this.wallBase) * this.speedValue));
  }

  get speed(): number {
    return this.speedValue;
  }

  get paused(): boolean {
    return !this.running;
  }

  get finished(): boolean {
    return this.now() >= this.end;
  }

  pause(): void {
    this.rebase();
    this.running = false;
  }

  resume(): void {
    this.rebase();
    this.running = true;
  }

  setSpeed(speed: number): void {
    checkSpeed(speed);
    this.rebase();
    this.speedValue = speed;
  }

  /** Moves market time forward to `time` (capped at the end); the clock keeps running or stays paused. */
  advanceTo(time: number): void {
    const now = this.now();
    if (!Number.isFinite(time) || time < now) throw new Error(`replay: can only move the clock forward (now ${new Date(now).toISOString()}, asked ${String(time)})`);
    this.base = Math.min(time, this.end);
    this.wallBase = this.wallNow();
  }

  /** Wall-clock ms until market time reaches `time` (Infinity while paused, 0 if already there). */
  wallDelayUntil(time: number): number {
    const now = this.now();
    if (time <= now) return 0;
    if (!this.running) return Infinity;
    return (time - now) / this.speedValue;
  }

  private rebase(): void {
    this.base = this.now();
    this.wallBase = this.wallNow();
  }
}

function checkSpeed(speed: number): void {
  if (typeof speed !== 'number' || !Number.isFinite(speed) || speed <= 0 || speed > 1e7) throw new Error(`replay speed must be a number above 0 and at most 10000000, got ${String(speed)}`);
}
