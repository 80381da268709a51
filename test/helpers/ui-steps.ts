/**
 * Moving through the app's steps in Chromium the way a person does, shared by the end-to-end specs.
 */
import type { Locator, Page } from 'playwright-core';

/** The local-file source; other sources (catalog, downloads) may be tabs beside it. */
export async function openFileSource(page: Page): Promise<void> {
  await page.getByTestId('step-image').waitFor();
  const tab = page.getByRole('tab', { name: 'Image file' });
  if (await tab.count()) await tab.click();
}

export async function chooseImage(page: Page, file: string): Promise<void> {
  await openFileSource(page);
  await page.getByLabel('Image file path').fill(file);
  await page.getByRole('button', { name: 'Use this file' }).click();
  await page.getByTestId('image-summary').waitFor();
}

/** The board in the Fedora IoT tab, changing an earlier choice first. */
export async function chooseBoard(page: Page, name: RegExp): Promise<void> {
  await page.getByRole('tab', { name: 'Fedora IoT' }).click();
  const change = page.getByTestId('change-board');
  if (await change.count()) await change.click();
  await page.getByRole('button', { name }).click();
}

/** On a station: clicks one of the images its folder offers, as a person without a path to type would. */
export async function chooseOfferedImage(page: Page, name: string): Promise<void> {
  await openFileSource(page);
  await page.getByTestId('offered-images').getByRole('button', { name, exact: true }).click();
  await page.getByTestId('image-summary').waitFor();
}

/** From the image step: on to First boot, switched on, with a user "core" who logs in with `sshKey`. */
export async function firstBootWithKey(page: Page, sshKey: string): Promise<void> {
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByTestId('provisioning-enabled').check();
  await page.getByLabel('User name', { exact: true }).fill('core');
  await page.getByLabel('SSH public keys (one per line)').fill(sshKey);
}

/** From the image step to the drives step, passing the optional first-boot step untouched. */
export async function continueToDrives(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Continue' }).click();
  if (await page.getByTestId('step-provisioning').count()) await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByTestId('step-drives').waitFor();
}

export async function addTarget(page: Page, device: string): Promise<void> {
  const advanced = page.getByTestId('add-target');
  if (!(await advanced.evaluate((element) => (element as HTMLDetailsElement).open))) await advanced.getByText('Add a device or image file by path…').click();
  await page.getByLabel('Device or image file path').fill(device);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.locator(`[data-testid="drive-row"][data-device="${device}"]`).waitFor();
}

/**
 * In the erase dialog: confirm. A card written without any login asks for an explicit "write
 * anyway" first (these tests write test images that need no login). With "Erase the old data
 * first" off the button says "Write over it".
 */
export async function confirmErase(page: Page): Promise<void> {
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  const noLogin = dialog.getByTestId('no-login-accept');
  if (await noLogin.count()) await noLogin.check();
  await dialog.getByRole('button', { name: /^(Erase and write|Write over it)$/ }).click();
}

/**
 * From the drives step: continue, confirm erasing, and wait for the outcome banner.
 * Returns the banner; its data-testid says result-success or result-failure.
 */
export async function writeAndWait(page: Page, timeout: number): Promise<Locator> {
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByTestId('flash-button').click();
  await confirmErase(page);
  const outcome = page.locator('[data-testid="result-success"], [data-testid="result-failure"]');
  await outcome.waitFor({ timeout });
  return outcome;
}
