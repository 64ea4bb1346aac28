import { post } from './vscode';

/**
 * The host's `panel/error`, shown above the panel's content until dismissed or replaced by fresh data. A dismissal is
 * told to the host (`panel/dismissError`), so a page that reloads (hidden, then shown) does not get that error again.
 */
export function ErrorBanner({ message, onDismiss }: { message: string; onDismiss: () => void }) {
  const dismiss = () => {
    post({ method: 'panel/dismissError', params: { message } });
    onDismiss();
  };
  return (
    <div class="error-banner" role="alert">
      <span class="error-text">{message}</span>
      <button type="button" class="error-dismiss" title="Dismiss" aria-label="Dismiss" onClick={dismiss}>
        ×
      </button>
    </div>
  );
}
