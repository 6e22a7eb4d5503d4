import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Debian's Chromium (`apt-get install -y chromium`; .ci/run installs it when
 * missing). Never a browser downloaded by `npx playwright install`.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Headless, and quiet: no update checks, sync or other traffic beyond the page's own. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** Screenshots and downloads a person can look at after a run; git-ignored. */
export const ARTIFACTS_DIR = path.resolve(__dirname, '..', '..', '..', 'test-artifacts', 'server-browser');

/**
 * `describe` for suites that need Chromium. Without it, the suite fails with
 * the reason. jest.config.js leaves these suites out of a run on a machine
 * without Chromium unless env CI is set, so only a run that should have a
 * browser (CI, or the file named on purpose) gets here without one.
 */
export function describeWithChromium(name: string, body: () => void): void {
  if (existsSync(CHROMIUM_PATH)) {
    describe(name, body);
    return;
  }
  describe(name, () => {
    it('needs Chromium', () => {
      throw new Error(
        `Chromium is not installed at ${CHROMIUM_PATH}; install it with \`apt-get install -y chromium\` (Debian), as .ci/run does`,
      );
    });
  });
}

export function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS], timeout: 30_000 });
}

/**
 * Collects what would show as red in the browser console: script errors,
 * console errors (CSP violations land there) and failed requests. A test
 * asserts the list is empty; `expected` drops lines it caused on purpose.
 */
export function watchProblems(page: Page): { problems: string[] } {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('requestfailed', (request) => {
    // A navigation that turns into a download is aborted by design.
    if (request.failure()?.errorText === 'net::ERR_ABORTED' && request.method() === 'POST') return;
    problems.push(`request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText ?? ''}`);
  });
  return { problems };
}

/** Full-page PNG in ARTIFACTS_DIR. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
