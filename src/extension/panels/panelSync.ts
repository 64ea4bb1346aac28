/**
 * When a panel's page gets a full snapshot: once per page load, when it says `webview/ready`. A hidden webview's
 * page is discarded (retainContextWhenHidden is off) and loads again when shown, saying ready again: that is the
 * one resync. Being shown is not a reason of its own (a resync then would reach a page still loading and be
 * followed by the ready one: twice); nor is a focus change. No vscode import.
 */
export class PanelSync {
  private pageLoaded = false;

  constructor(private readonly resync: () => void) {}

  /** A page has loaded and listens: messages may be sent (the coalescer drops them while the panel is hidden). */
  get ready(): boolean {
    return this.pageLoaded;
  }

  /** `webview/ready`: the page (re)loaded. */
  readyReceived(): void {
    this.pageLoaded = true;
    this.resync();
  }
}
