/** The host's `panel/error`, shown above the panel's content until dismissed or replaced by fresh data. */
export function ErrorBanner({ message, onDismiss }: { message: string; onDismiss: () => void }) {
  return (
    <div class="error-banner" role="alert">
      <span class="error-text">{message}</span>
      <button type="button" class="error-dismiss" title="Dismiss" aria-label="Dismiss" onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}
