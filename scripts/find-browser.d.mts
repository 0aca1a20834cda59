// Types for find-browser.mjs, for TypeScript that imports it without allowJs (tests/e2e under tsconfig.json).
import type { Disposable, Page } from 'playwright-core';

/** Arguments for headless Chromium on a machine without network. */
export declare const CHROMIUM_ARGS: string[];

/** What to tell someone who has no Chromium at all. */
export declare const NO_CHROMIUM_MESSAGE: string;

/** Path of a Chromium executable: $CHROMIUM_PATH or $CHROME_PATH, then PATH, then Playwright's download. */
export declare function findChromium(): string;

/** Makes a page, and the workers it starts, look like a browser without JS Promise Integration. */
export declare function hideJspi(page: Page): Promise<Disposable>;
