/** The chart has painted its bars: the page's preview of them (webviews/chartPreview) goes. */
import { CHART_PREVIEW_ID } from '../../shared/pagePreview';
import { setBodyData } from '../shared/dataset';

/** Removes the preview, if any is left; returns when its frame was drawn (epoch ms), the first time only. */
export function endPreview(): number | undefined {
  const preview = document.getElementById(CHART_PREVIEW_ID);
  if (!preview) return undefined;
  preview.remove();
  setBodyData('preview', 'replaced'); // for e2e
  const painted = Number(document.body.dataset.previewPainted);
  return Number.isFinite(painted) && painted > 0 ? painted : undefined;
}
