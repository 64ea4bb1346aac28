/**
 * One series of a chart layer (the footprint, the delta and CVD panes, a lane) fed with the points of the bars the
 * candle series holds (a TimeSpan, seriesWindow.ts), not with every point: setting a series costs its length, and
 * lightweight-charts rebuilds its points after every update too. A change outside the span touches no series. Pure:
 * the series is a sink (a lightweight-charts series fits it).
 */
import { ALL_TIMES, inSpan, sameSpan, sliceSpan, type TimeSpan } from './seriesWindow';

export interface PointSink<P> {
  setData(points: P[]): void;
  /** `historical`: the point replaces one older than the newest held. */
  update(point: P, historical: boolean): void;
}

export class SpanFeed<P> {
  private span: TimeSpan = ALL_TIMES;
  /** Times (ms) of the points the series holds, and the newest of them. */
  private held = new Set<number>();
  private newest = Number.NEGATIVE_INFINITY;

  /** `timeOf`: a point's time in ms. */
  constructor(
    private readonly sink: PointSink<P>,
    private readonly timeOf: (point: P) => number,
  ) {}

  /** Points the series holds (for tests and the page's data attributes). */
  get size(): number {
    return this.held.size;
  }

  get current(): TimeSpan {
    return this.span;
  }

  /** The series holds `all`'s points (oldest first) in the span; O(points in it) plus a bisection. */
  set(all: readonly P[]): void {
    const points = sliceSpan(all, this.span, this.timeOf);
    this.sink.setData(points);
    this.held = new Set(points.map(this.timeOf));
    const last = points[points.length - 1];
    this.newest = last === undefined ? Number.NEGATIVE_INFINITY : this.timeOf(last);
  }

  /** The candles hold other bars: their part of `all` is set (nothing when the span did not change). */
  setSpan(span: TimeSpan, all: readonly P[]): void {
    if (sameSpan(span, this.span)) return;
    this.span = span;
    this.set(all);
  }

  /**
   * Changed points, oldest first: those in the span are updated (appended when newer than the newest held). False
   * when one in it is new but older than the newest held (an update cannot insert it): the caller sets them all.
   */
  update(points: readonly P[]): boolean {
    for (const p of points) {
      const time = this.timeOf(p);
      if (!inSpan(this.span, time)) continue;
      if (time >= this.newest) {
        this.sink.update(p, false);
        this.newest = time;
        this.held.add(time);
      } else if (this.held.has(time)) this.sink.update(p, true);
      else return false;
    }
    return true;
  }
}
