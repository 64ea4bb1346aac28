/** Picks an option of a panel's themed select (`vscode-single-select`) as a user does: opens its list, clicks the option. */
import type { Frame } from 'playwright-core';

export async function chooseOption(frame: Frame, selectClass: string, label: string): Promise<void> {
  const select = frame.locator(`vscode-single-select${selectClass}`);
  await select.click();
  // The list is in the element's open shadow root, which Playwright's locators reach into.
  await select.getByRole('option', { name: label, exact: true }).click();
}
