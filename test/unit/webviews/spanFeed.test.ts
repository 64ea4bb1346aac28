/** A chart layer's series fed with the bars the candles hold: set to the span's points, updated only inside it. */
import * as assert from 'node:assert/strict';
import { ALL_TIMES, spanOf, windowFor, type TimeSpan } from '../../../src/webviews/chart/seriesWindow';
import { SpanFeed, type PointSink } from '../../../src/webviews/chart/spanFeed';

interface Pt {
  readonly time: number;
  readonly value: number;
}

/** Records what a lightweight-charts series would be given, and holds its points as the series would. */
class RecordingSink implements PointSink<Pt> {
  readonly calls: string[] = [];
  pointsSet = 0;
  held = new Map<number, number>();

  setData(points: Pt[]): void {
    this.calls.push(`set ${points.length}`);
    this.pointsSet += points.length;
    this.held = new Map(points.map((p) => [p.time, p.value]));
  }

  update(p: Pt, historical: boolean): void {
    const newest = Math.max(Number.NEGATIVE_INFINITY, ...this.held.keys());
    // lightweight-charts' rule: a point older than the newest must be held already and flagged historical.
    if (p.time < newest && (!historical || !this.held.has(p.time))) throw new Error(`Cannot update oldest data, last time=${newest}, new time=${p.time}`);
    this.calls.push(`update ${p.time}${historical ? ' historical' : ''}`);
    this.held.set(p.time, p.value);
  }
}

const MIN = 60_000;
const points = (from: number, count: number, value = 1): Pt[] => Array.from({ length: count }, (_, i) => ({ time: (from + i) * MIN, value }));
const span = (fromBar: number, toBar: number): TimeSpan => ({ from: fromBar * MIN, to: toBar * MIN });

function feed(): { sink: RecordingSink; feed: SpanFeed<Pt> } {
  const sink = new RecordingSink();
  return { sink, feed: new SpanFeed<Pt>(sink, (p) => p.time) };
}

describe('SpanFeed: a chart layer series holding the bars the candles hold', () => {
  it('holds every point until given a span, then only the span\'s; the same span again sets nothing', () => {
    const { sink, feed: f } = feed();
    const all = points(0, 5000);
    f.set(all);
    assert.equal(sink.held.size, 5000);
    f.setSpan(span(4000, Number.POSITIVE_INFINITY), all);
    assert.equal(sink.held.size, 1000);
    assert.equal(Math.min(...sink.held.keys()), 4000 * MIN);
    assert.equal(f.size, 1000);
    sink.calls.length = 0;
    f.setSpan({ from: 4000 * MIN, to: Number.POSITIVE_INFINITY }, all);
    assert.deepEqual(sink.calls, [], 'nothing to set again');
    f.setSpan(span(1000, 1999), all);
    assert.deepEqual([...sink.held.keys()], points(1000, 1000).map((p) => p.time), 'a window far back: its bars, no later ones');
    f.setSpan(ALL_TIMES, all);
    assert.equal(sink.held.size, 5000);
  });

  it('a live update is an update of the series when the span holds the newest bar, and touches no series when it does not', () => {
    const { sink, feed: f } = feed();
    const all = points(0, 3000);
    f.setSpan(span(2000, Number.POSITIVE_INFINITY), all);
    sink.calls.length = 0;
    assert.equal(f.update([{ time: 2999 * MIN, value: 7 }, { time: 3000 * MIN, value: 8 }]), true);
    assert.deepEqual(sink.calls, [`update ${2999 * MIN}`, `update ${3000 * MIN}`], 'the bar in progress, then a new bar appended');
    assert.equal(sink.held.get(3000 * MIN), 8);

    f.setSpan(span(500, 1499), [...all, { time: 3000 * MIN, value: 8 }]);
    sink.calls.length = 0;
    assert.equal(f.update([{ time: 3000 * MIN, value: 9 }, { time: 3001 * MIN, value: 1 }]), true);
    assert.deepEqual(sink.calls, [], 'scrolled back: live bars are not held');
    assert.equal(f.update([{ time: 1200 * MIN, value: 5 }]), true);
    assert.deepEqual(sink.calls, [`update ${1200 * MIN} historical`], 'a correction of a held bar is drawn in place');
    assert.equal(f.update([{ time: 400 * MIN, value: 5 }]), true, 'before the span: ignored');
    assert.equal(sink.calls.length, 1);
  });

  it('asks to be set again for a new point older than the newest held (an update cannot insert it)', () => {
    const { sink, feed: f } = feed();
    const all = points(0, 10).filter((p) => p.time !== 4 * MIN);
    f.set(all);
    sink.calls.length = 0;
    assert.equal(f.update([{ time: 4 * MIN, value: 3 }]), false);
    assert.deepEqual(sink.calls, [], 'nothing the series would refuse was given to it');
    const withIt = points(0, 10);
    f.set(withIt);
    assert.equal(f.update([{ time: 4 * MIN, value: 6 }]), true, 'held now: updated in place');
    assert.equal(sink.held.get(4 * MIN), 6);
    assert.equal(f.update([{ time: 20 * MIN, value: 1 }]), true, 'a gap forward is an append');
  });

  it('with 50,000 candles, the layer is set with the window\'s points and each live tick is one update', () => {
    const total = 50_000;
    const { sink, feed: f } = feed();
    // A layer with its own history of the newest 5,000 bars (the host's footprint and flows are capped there).
    const layer = points(total - 5000, 5000);
    const window = windowFor(total - 1, total - 1, total, true);
    f.set(layer);
    sink.pointsSet = 0;
    f.setSpan(spanOf(window, total, (i) => i * MIN), layer);
    assert.equal(sink.pointsSet, window.end - window.start);
    sink.calls.length = 0;
    for (let tick = 0; tick < 100; tick++) assert.equal(f.update([{ time: (total - 1) * MIN, value: tick }]), true);
    assert.equal(sink.calls.length, 100);
    assert.ok(sink.calls.every((c) => c === `update ${(total - 1) * MIN}`));
    assert.equal(sink.pointsSet, window.end - window.start, 'no tick set the series again');
  });
});
