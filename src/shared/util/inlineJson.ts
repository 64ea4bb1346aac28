/**
 * Data a panel's HTML carries for its page's first paint (a chart's cached bars): JSON in a
 * `<script type="application/json">` element, which the browser never runs (the webview's CSP allows only the
 * nonce'd bundle). The page reads it and validates it like any posted message.
 */

/** The element's id. */
export const INLINE_MESSAGES_ID = 'inline-messages';

/**
 * `value` as JSON that is safe inside the element: `<`, `>` and `&` (and the two line separators) are written as
 * JSON's own \u escapes, so no string in it can close the element or open another; JSON.parse gives `value` back.
 */
export function inlineJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
