/**
 * A replay page's toolbar controls, held to what a page may cost: a step or a seek reads the recording, so a page
 * sending them in a loop queued reads without bound. Every control goes through one gate (PageAsks.costly): the
 * first at once, then at most once per ASK_INTERVAL_MS and one act at a time (an act's reads finish before the
 * next), in the order sent; the controls meanwhile are merged (replayMoves.ts), so no step or seek is lost, and a
 * flood is named once in the log. No vscode import.
 */
import type { WebviewMessage } from '../../shared/protocol';
import type { CostlyCommand, PageAsks } from './pageAsks';
import { MAX_WAITING_MOVES, mergeMoves, toMove, type ReplayMove } from './replayMoves';

export type ReplayControl = Extract<WebviewMessage, { method: 'replay/control' }>['params'];

export class ReplayControls {
  private readonly gate: CostlyCommand<readonly ReplayMove[]>;
  /** Moves left out so far (more kinds alternating in one interval than MAX_WAITING_MOVES). */
  leftOut = 0;

  constructor(
    asks: Pick<PageAsks, 'costly'>,
    /** Applies the moves in order; settles once their reads are done. */
    apply: (moves: readonly ReplayMove[]) => Promise<void>,
    warn: (line: string) => void,
  ) {
    this.gate = asks.costly<readonly ReplayMove[]>('replay/control', (moves) => apply(moves), (waiting, next) => {
      const { moves, left } = mergeMoves(waiting, next);
      if (left > 0 && this.leftOut === 0) warn(`its page alternated replay/control actions faster than they are applied (${MAX_WAITING_MOVES} waiting); the later ones are left out until the host catches up`);
      this.leftOut += left;
      return moves;
    });
  }

  handle(control: ReplayControl): void {
    this.gate.ask([toMove(control)]);
  }
}
