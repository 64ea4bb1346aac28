/**
 * A toolbar too narrow for its items gives them up in steps, each a whole thing (a note hidden, the badge said in a
 * word, the buttons' short labels), never a word cut in the middle: from none taken, steps are taken in order until
 * nothing is cut. A later step may leave room for what an earlier one gave up (the badge's word beside the exchange it
 * pushed out): those are undone again, the latest first, where nothing is cut without them.
 */
export interface CompactStep {
  readonly take: () => void;
  readonly undo: () => void;
}

export interface CompactPlan {
  /** Undoes every step (the toolbar as wide as it likes). */
  readonly reset: () => void;
  /** In the order they are taken. */
  readonly steps: readonly CompactStep[];
  /** Whether something shown is cut (reads the layout). */
  readonly cut: () => boolean;
}

/**
 * Which steps stay taken, by index (all of them when even the last leaves something cut: the selects and the symbol
 * shorten then).
 */
export function compactUntilUncut(plan: CompactPlan): number[] {
  plan.reset();
  const taken: number[] = [];
  for (const [i, step] of plan.steps.entries()) {
    if (!plan.cut()) break;
    step.take();
    taken.push(i);
  }
  // The last step taken was needed: without it something was cut.
  for (let k = taken.length - 2; k >= 0; k--) {
    const step = plan.steps[taken[k] as number] as CompactStep;
    step.undo();
    if (plan.cut()) step.take();
    else taken.splice(k, 1);
  }
  return taken;
}
