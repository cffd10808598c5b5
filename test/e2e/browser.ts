import { chromium, type Browser } from 'playwright-core';
import { findOnPath } from '../../src/find-on-path.js';

/** CHROMIUM_PATH when set, else the chromium program on PATH (`.ci/run` installs it). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? findOnPath('chromium') ?? 'chromium';

/**
 * The system Chromium, headless, with the flags that keep it off the network and quiet.
 * Playwright gives every launch a fresh, empty profile of its own.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
