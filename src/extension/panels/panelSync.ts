/**
 * When a panel's page gets a full snapshot: once per page load. A hidden webview's page is discarded (unless the
 * panel keeps it: PanelHost resyncs a kept page as it is shown) and loads again when shown, saying ready again. Either the host posted that page
 * its resync early, as it was shown (`earlyPosted`; VS Code holds it until the page has loaded, and the page's loader
 * keeps it and everything after it for the bundle), and the page's ready says it took that one; or the ready is
 * answered with the resync. A focus change is no reason. No vscode import.
 */
export class PanelSync {
  private pageLoaded = false;
  private lastEarly = 0;
  /** The early resync posted last, while no ready has said it took it. */
  private earlyOpen: number | undefined;

  constructor(private readonly resync: () => void) {}

  /** A page has loaded and listens: messages may be sent (the coalescer drops them while the panel is hidden). */
  get ready(): boolean {
    return this.pageLoaded;
  }

  /** The host posts a page that is loading its resync ahead of its ready: the token that page's ready will name. */
  earlyPosted(): number {
    this.earlyOpen = ++this.lastEarly;
    return this.earlyOpen;
  }

  /** A post VS Code said it did not deliver: a page that took the early resync may have missed it, so it gets the full one. */
  postLost(): void {
    this.earlyOpen = undefined;
  }

  /**
   * `webview/ready`: the page (re)loaded. `early`: the token of the early resync it took, if it took one. Returns
   * whether it is resynced now (no: it already has the newest early one and every message after it).
   */
  readyReceived(early?: number): boolean {
    this.pageLoaded = true;
    if (early !== undefined && early === this.earlyOpen) {
      this.earlyOpen = undefined;
      return false;
    }
    this.resync();
    return true;
  }
}
