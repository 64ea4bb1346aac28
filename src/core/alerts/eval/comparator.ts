/**
 * Decides whether a rule's condition holds for a reading. Level ops (above / below) hold whenever the value is on
 * that side; crosses are edge-triggered: they hold only when the previous reading was on the other side. A value
 * exactly on the level keeps the previous side, so touching a level and going back never counts as a cross.
 */
import { assertNever } from '../../util/assertNever';
import type { ThresholdOp } from '../rules';
import type { Reading } from './reading';

/** One comparison: against a constant level, or (level undefined) against the reading's `ref`. */
export interface Comparison {
  readonly op: ThresholdOp;
  readonly level: number | undefined;
}

export interface Match {
  readonly comparison: Comparison;
  /** The level compared with (the constant, or the reading's ref). */
  readonly against: number;
  /** For crosses: the direction of this cross. */
  readonly crossed?: 'above' | 'below';
}

type Side = -1 | 1;

export class Comparator {
  private readonly sides: (Side | undefined)[];

  constructor(readonly comparisons: readonly Comparison[]) {
    this.sides = comparisons.map(() => undefined);
  }

  /** The first comparison that holds, updating the crossing state of all of them. */
  evaluate(reading: Reading): Match | undefined {
    let match: Match | undefined;
    for (let i = 0; i < this.comparisons.length; i++) {
      const c = this.comparisons[i]!;
      const against = c.level ?? reading.ref;
      if (against === undefined || !Number.isFinite(reading.value) || !Number.isFinite(against)) continue;
      const previous = this.sides[i];
      const side: Side | undefined = reading.value > against ? 1 : reading.value < against ? -1 : previous;
      this.sides[i] = side;
      if (match) continue;
      const crossed = previous !== undefined && side !== previous ? (side === 1 ? 'above' : 'below') : undefined;
      if (holds(c.op, reading.value, against, crossed)) match = { comparison: c, against, ...(crossed ? { crossed } : {}) };
    }
    return match;
  }

  /** The same comparisons at the same sides, to go on apart from this one. */
  copy(): Comparator {
    const c = new Comparator(this.comparisons);
    for (let i = 0; i < this.sides.length; i++) c.sides[i] = this.sides[i];
    return c;
  }

  /** Forgets the crossing state (after a rebuild, the next reading only sets the side). */
  reset(): void {
    this.sides.fill(undefined);
  }
}

function holds(op: ThresholdOp, value: number, against: number, crossed: 'above' | 'below' | undefined): boolean {
  switch (op) {
    case 'above':
      return value > against;
    case 'below':
      return value < against;
    case 'crosses':
      return crossed !== undefined;
    case 'crosses_above':
      return crossed === 'above';
    case 'crosses_below':
      return crossed === 'below';
    default:
      return assertNever(op);
  }
}
