/**
 * Keeps a toolbar's words whole (compactSteps.ts): its notes (`.toolbar-note`) hide whole, the rightmost first (a hint,
 * the footprint's depth; the exchange beside the symbol names the market, and goes last), then the badge says its
 * state in a word, then the buttons their short labels (the items closer together); a note comes back where it fits
 * beside the later steps. The flex ranks in common.css shrink the notes first, so the first thing cut is what to give
 * up next. Fitted again when the toolbar's width, its items or their text change, and when fonts load.
 */
import { toDisposable, type Disposable } from '../../shared/util/disposable';
import { compactUntilUncut, type CompactStep } from './compactSteps';

const NOTE_HIDDEN = 'fit-hidden';
const BADGE_WORD = 'fit-word';
const SHORT_LABELS = 'fit-short';

/** What can be cut: the notes, the badge's text, the buttons' labels, and the symbol (the steps give it room too). */
const CUTTABLE = '.toolbar-note, .badge-text, .tool-button, .market-symbol';

export function fitToolbar(toolbar: HTMLElement): Disposable {
  const fit = () => {
    const notes = [...toolbar.querySelectorAll<HTMLElement>('.toolbar-note')].reverse();
    compactUntilUncut({
      reset: () => {
        for (const note of notes) note.classList.remove(NOTE_HIDDEN);
        toolbar.classList.remove(BADGE_WORD, SHORT_LABELS);
      },
      steps: [...notes.map((note) => toggle(note, NOTE_HIDDEN)), toggle(toolbar, BADGE_WORD), toggle(toolbar, SHORT_LABELS)],
      cut: () => [...toolbar.querySelectorAll<HTMLElement>(CUTTABLE)].some(isCut),
    });
  };
  const resized = new ResizeObserver(fit);
  resized.observe(toolbar);
  // Our own changes are classes (attributes), not observed: no loop.
  const changed = new MutationObserver(fit);
  changed.observe(toolbar, { childList: true, characterData: true, subtree: true });
  document.fonts.addEventListener('loadingdone', fit);
  fit();
  return toDisposable(() => {
    resized.disconnect();
    changed.disconnect();
    document.fonts.removeEventListener('loadingdone', fit);
  });
}

function toggle(el: HTMLElement, className: string): CompactStep {
  return { take: () => el.classList.add(className), undo: () => el.classList.remove(className) };
}

/** Shown and narrower than its content. */
function isCut(el: HTMLElement): boolean {
  return el.getClientRects().length > 0 && el.scrollWidth > el.clientWidth;
}
