/** The recorded events of a replay in time order, with a look at the next one (readRecorded, read ahead one event). */
import type { RecordedEvent } from '../record/recordTypes';

export class RecordedFeed {
  private next: RecordedEvent | undefined;
  private done = false;

  constructor(private readonly events: AsyncGenerator<RecordedEvent>) {}

  /** The next event without taking it; undefined at the end of the recording. */
  async peek(): Promise<RecordedEvent | undefined> {
    if (this.next === undefined && !this.done) {
      const r = await this.events.next();
      if (r.done) this.done = true;
      else this.next = r.value;
    }
    return this.next;
  }

  /** Takes every event at or before `ts`, handing each to `onEvent`, in order. */
  async takeThrough(ts: number, onEvent: (event: RecordedEvent) => void): Promise<void> {
    for (let e = await this.peek(); e !== undefined && e.row.ts <= ts; e = await this.peek()) {
      this.next = undefined;
      onEvent(e);
    }
  }

  get ended(): boolean {
    return this.done && this.next === undefined;
  }

  /** Stops reading (the generator's files are not opened further). */
  async close(): Promise<void> {
    this.done = true;
    this.next = undefined;
    await this.events.return(undefined);
  }
}
