/**
 * Keeps a toolbar's words whole (compactSteps.ts): its notes (`.toolbar-note`) hide whole, the rightmost first (a hint,
 * the footprint's depth; the exchange beside the symbol names the market, and goes last), then the badge says its
 * state in a word, then the buttons their short labels (the items closer together); a note comes back where it fits
 * beside the later steps. Last, a select still cut (its text in its shadow DOM read "big…") hides whole, the
 * rightmost first (those marked `.fit-optional`: a filter, not what the panel shows). The flex ranks in common.css
 * shrink the notes first, so the first thing cut is what to give up next. Fitted again when the toolbar's width, its
 * items or their text change, and when fonts load.
 */
import { toDisposable, type Disposable } from '../../shared/util/disposable';
import { compactUntilUncut, type CompactStep } from './compactSteps';

const NOTE_HIDDEN = 'fit-hidden';
const BADGE_WORD = 'fit-word';
const SHORT_LABELS = 'fit-short';

/** What can be cut: the notes, the badge's text, the buttons' labels, and the symbol (the steps give it room too). */
const CUTTABLE = '.toolbar-note, .badge-text, .tool-button, .market-symbol';
/** A vscode-single-select's text, in its shadow DOM (@vscode-elements/elements' select face). */
const SELECT_TEXT = '.select-face .text';
const WATCHED: MutationObserverInit = { childList: true, characterData: true, subtree: true };

export function fitToolbar(toolbar: HTMLElement): Disposable {
  // Declared before fit, which observes the selects' shadow roots (their text is rendered there, after ours).
  let changed: MutationObserver | undefined;
  const fit = () => {
    const notes = [...toolbar.querySelectorAll<HTMLElement>('.toolbar-note')].reverse();
    const optional = [...toolbar.querySelectorAll<HTMLElement>('.fit-optional')].reverse();
    compactUntilUncut({
      reset: () => {
        for (const el of [...notes, ...optional]) el.classList.remove(NOTE_HIDDEN);
        toolbar.classList.remove(BADGE_WORD, SHORT_LABELS);
      },
      steps: [...notes.map((note) => toggle(note, NOTE_HIDDEN)), toggle(toolbar, BADGE_WORD), toggle(toolbar, SHORT_LABELS), ...optional.map((select) => toggle(select, NOTE_HIDDEN))],
      cut: () => [...toolbar.querySelectorAll<HTMLElement>(CUTTABLE)].some(isCut) || [...toolbar.querySelectorAll<HTMLElement>('vscode-single-select')].some(selectCut),
    });
    for (const select of toolbar.querySelectorAll<HTMLElement>('vscode-single-select')) if (select.shadowRoot) changed?.observe(select.shadowRoot, WATCHED);
  };
  const resized = new ResizeObserver(fit);
  resized.observe(toolbar);
  // Our own changes are classes (attributes), not observed: no loop.
  changed = new MutationObserver(fit);
  changed.observe(toolbar, WATCHED);
  document.fonts.addEventListener('loadingdone', fit);
  fit();
  return toDisposable(() => {
    resized.disconnect();
    changed?.disconnect();
    document.fonts.removeEventListener('loadingdone', fit);
  });
}

function toggle(el: HTMLElement, className: string): CompactStep {
  return { take: () => el.classList.add(className), undo: () => el.classList.remove(className) };
}

/** A select whose text (in its shadow DOM) is cut. */
function selectCut(select: HTMLElement): boolean {
  const text = select.shadowRoot?.querySelector<HTMLElement>(SELECT_TEXT);
  return text !== null && text !== undefined && isCut(text);
}

/** Shown and narrower than its content. */
function isCut(el: HTMLElement): boolean {
  return el.getClientRects().length > 0 && el.scrollWidth > el.clientWidth;
}
