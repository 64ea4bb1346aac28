/**
 * A replay page's controls as moves the host may merge: consecutive steps into one step of their summed count,
 * consecutive seeks into one of their summed offset (a seek is relative: each click of "+1m" counts, up to a week),
 * consecutive plays and pauses into the latest (with the speed last asked). No vscode import.
 */
import type { ReplayAction } from '../../shared/protocol';

/** The farthest one merged seek goes either way: a week, as far as one replay/control may ask. */
export const MAX_SEEK_MS = 7 * 86_400_000;
/** Moves waiting at most (only alternating kinds add one): more from a page in one interval are left out. */
export const MAX_WAITING_MOVES = 16;

export type ReplayMove =
  | { readonly action: 'play'; readonly speed?: number }
  /** `speed`: of a play it replaced (the next play without a speed plays at it). */
  | { readonly action: 'pause'; readonly speed?: number }
  | { readonly action: 'step'; readonly count: number }
  | { readonly action: 'seek'; readonly by: number };

/** The default seek of a control without `by`: a minute forward. */
const DEFAULT_SEEK_MS = 60_000;

/** One replay/control as a move. */
export function toMove(c: { readonly action: ReplayAction; readonly speed?: number; readonly by?: number }): ReplayMove {
  switch (c.action) {
    case 'play':
      return c.speed === undefined ? { action: 'play' } : { action: 'play', speed: c.speed };
    case 'pause':
      return { action: 'pause' };
    case 'step':
      return { action: 'step', count: 1 };
    case 'seek':
      return { action: 'seek', by: c.by ?? DEFAULT_SEEK_MS };
  }
}

/**
 * `next` after the moves `waiting`: merged into the last one when it may be, else appended. `left` is how many of
 * `next` were left out because MAX_WAITING_MOVES are waiting (one of the last move's kind still merges into it).
 */
export function mergeMoves(waiting: readonly ReplayMove[], next: readonly ReplayMove[]): { moves: ReplayMove[]; left: number } {
  const moves = [...waiting];
  let left = 0;
  for (const move of next) {
    const last = moves.at(-1);
    const merged = last === undefined ? undefined : mergeTwo(last, move);
    if (merged !== undefined) moves[moves.length - 1] = merged;
    else if (moves.length < MAX_WAITING_MOVES) moves.push(move);
    else left++;
  }
  return { moves, left };
}

function mergeTwo(a: ReplayMove, b: ReplayMove): ReplayMove | undefined {
  switch (b.action) {
    case 'step':
      return a.action === 'step' ? { action: 'step', count: a.count + b.count } : undefined;
    case 'seek':
      return a.action === 'seek' ? { action: 'seek', by: Math.max(-MAX_SEEK_MS, Math.min(MAX_SEEK_MS, a.by + b.by)) } : undefined;
    case 'play':
    case 'pause': {
      if (a.action !== 'play' && a.action !== 'pause') return undefined;
      // A play without a speed plays at the last one asked: the speed of the play or pause it replaces.
      const speed = b.speed ?? a.speed;
      return speed === undefined ? { action: b.action } : { action: b.action, speed };
    }
  }
}
