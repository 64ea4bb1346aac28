/** An observer the fake globals made: what kind, its callback, and whether it is observing. */
export interface FakeObserver {
  readonly kind: 'resize' | 'mutation';
  readonly fire: (entries?: unknown[]) => void;
  connected: boolean;
}

type LayoutGlobals = { ResizeObserver?: unknown; MutationObserver?: unknown; document?: unknown; requestAnimationFrame?: unknown; cancelAnimationFrame?: unknown };

/**
 * The browser globals a fitting helper uses (ResizeObserver, MutationObserver, document.fonts, animation frames),
 * faked for a unit test without a browser: `install()` in beforeEach, `restore()` in afterEach. The test fires
 * observers and runs frames itself and sees what is still connected or listening.
 */
export function fakeLayoutGlobals() {
  const g = globalThis as LayoutGlobals;
  const saved: LayoutGlobals = { ResizeObserver: g.ResizeObserver, MutationObserver: g.MutationObserver, document: g.document, requestAnimationFrame: g.requestAnimationFrame, cancelAnimationFrame: g.cancelAnimationFrame };
  const observers: FakeObserver[] = [];
  const fontListeners = new Set<() => void>();
  const frames = new Map<number, () => void>();
  const observer = (kind: FakeObserver['kind']) =>
    class {
      private readonly entry: FakeObserver;
      constructor(callback: (entries?: unknown[]) => void) {
        this.entry = { kind, fire: callback, connected: false };
        observers.push(this.entry);
      }
      observe(): void {
        this.entry.connected = true;
      }
      disconnect(): void {
        this.entry.connected = false;
      }
    };
  const install = (): void => {
    observers.length = 0;
    fontListeners.clear();
    frames.clear();
    g.ResizeObserver = observer('resize');
    g.MutationObserver = observer('mutation');
    g.document = { fonts: { addEventListener: (_: string, f: () => void) => fontListeners.add(f), removeEventListener: (_: string, f: () => void) => fontListeners.delete(f) } };
    let next = 1;
    g.requestAnimationFrame = (f: () => void) => (frames.set(next, f), next++);
    g.cancelAnimationFrame = (id: number) => frames.delete(id);
  };
  const restore = (): void => void Object.assign(g, saved);
  /** Runs the frames asked for so far (not those they ask for). */
  const runFrames = (): void => {
    const due = [...frames.values()];
    frames.clear();
    for (const f of due) f();
  };
  return { observers, fontListeners, frames, install, restore, runFrames };
}
