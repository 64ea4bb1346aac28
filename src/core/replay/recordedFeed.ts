/** The recorded events of a replay in time order, with a look at the next one (a day of the recording held at a time). */
import type { RecordedEvent } from '../record/recordTypes';

export class RecordedFeed {
  private day: readonly RecordedEvent[] = [];
  private index = 0;
  private done = false;

  /** `days`: a RecordSource's readDays, each day in time order. */
  constructor(private readonly days: AsyncGenerator<readonly RecordedEvent[]>) {}

  /** The next event without taking it; undefined at the end of the recording. */
  async peek(): Promise<RecordedEvent | undefined> {
    while (this.index >= this.day.length && !this.done) {
      const r = await this.days.next();
      if (r.done) this.done = true;
      else {
        this.day = r.value;
        this.index = 0;
      }
    }
    return this.day[this.index];
  }

  /** Takes every event at or before `ts`, handing each to `onEvent`, in order (awaiting only between days). */
  async takeThrough(ts: number, onEvent: (event: RecordedEvent) => void): Promise<void> {
    for (let e = await this.peek(); e !== undefined && e.row.ts <= ts; e = await this.peek()) {
      const day = this.day;
      let i = this.index;
      for (; i < day.length; i++) {
        const event = day[i];
        if (event === undefined || event.row.ts > ts) break;
        onEvent(event);
      }
      this.index = i;
    }
  }

  /** Prices of up to `limit` trades and book levels ahead, from the day held (nothing is read or taken). */
  pricesAhead(limit: number): number[] {
    const out: number[] = [];
    for (let i = this.index; i < this.day.length && out.length < limit; i++) {
      const e = this.day[i];
      if (e?.kind === 'trades' || (e?.kind === 'book' && e.row.amount > 0)) out.push(e.row.price);
    }
    return out;
  }

  get ended(): boolean {
    return this.done && this.index >= this.day.length;
  }

  /** Stops reading (the generator's files are not opened further). */
  async close(): Promise<void> {
    this.done = true;
    this.day = [];
    this.index = 0;
    await this.days.return(undefined);
  }
}
