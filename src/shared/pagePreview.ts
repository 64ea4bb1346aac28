/**
 * A chart page's preview: its HTML carries a small painter script that draws the cached bars at once; the page's
 * bundle, posted by the host (shared/pageScript.ts), runs after that first frame (webviewHtml.ts, webviews/chartPreview).
 * VS Code writes a page's HTML in one `document.write`, so a bundle in it would run before the first frame.
 */

/** The preview's element, which the chart removes once it has painted the same bars. */
export const CHART_PREVIEW_ID = 'chart-preview';
