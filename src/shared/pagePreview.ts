/**
 * A chart page's preview: its HTML carries a small painter script that draws the cached bars at once, and the
 * page's bundle as text that the painter runs after that first frame (webviewHtml.ts, webviews/chartPreview).
 * VS Code writes a page's HTML in one `document.write`, so every script in it would run before the first frame.
 */

/** The element holding the deferred bundle's text (a `<script type="text/plain">`, never run as it is). */
export const DEFERRED_BUNDLE_ID = 'deferred-bundle';

/** The preview's element, which the chart removes once it has painted the same bars. */
export const CHART_PREVIEW_ID = 'chart-preview';
