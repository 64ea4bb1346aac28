/**
 * A panel page's only script in its HTML: runs the page's bundle, which the host posts after setting the HTML
 * (shared/pageScript.ts). A chart with cached bars gets the preview painter instead, which loads it the same way.
 */
import { loadPostedBundle } from '../shared/postedBundle';

const nonce = document.currentScript instanceof HTMLScriptElement ? (document.currentScript.nonce ?? '') : '';
loadPostedBundle(nonce).allow();
