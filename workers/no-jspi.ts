/**
 * Imported before the Extism SDK. When JS Promise Integration exists, the SDK swaps `http_request` for an
 * async fetch that only Chromium can suspend on, bypassing our synchronous implementation and making every
 * call "promising". Removing the two entry points from this worker's global gives every browser the same,
 * synchronous host path.
 */
const wasm = WebAssembly as unknown as Record<string, unknown>;

delete wasm.Suspending;
delete wasm.promising;

export {};
