// Host functions the AssemblyScript PDK (1.0.0) does not declare.

// Logs the UTF-8 text in the block at `offset` at trace level.
@external('extism:host/env', 'log_trace')
export declare function log_trace(offset: u64): void;

// The HTTP status code of the most recent `http_request`.
@external('extism:host/env', 'http_status_code')
export declare function http_status_code(): i32;

// Playground host functions: a key-value store kept by the page, and a log line it shows as-is.
// Keys and values are Extism blocks; `kv_read` returns 0 or an empty block when a key is missing.
@external('extism:host/user', 'kv_read')
export declare function kv_read(key: u64): u64;

@external('extism:host/user', 'kv_write')
export declare function kv_write(key: u64, value: u64): void;

@external('extism:host/user', 'log')
export declare function log(message: u64): void;
