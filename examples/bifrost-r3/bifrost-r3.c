/*
 * bifrost-r3: a Bifrost WASM plugin of ABI revision 3 (the current docs), in C without libc. Every hook
 * takes one JSON object and answers with one, including the context keys it sets.
 *
 * - http_pre_hook marks the context and lets the HTTP request through.
 * - pre_hook marks the context; for model "hello-mock" it short-circuits with a mock chat response, for
 *   model "hello-limit" with a 429 rate-limit error: either way the provider is not called.
 * - post_hook and http_post_hook mark the context and pass everything else through.
 * - http_stream_chunk_hook passes each chunk through unchanged.
 * - free takes (ptr, size), as Rust's dealloc needs.
 */
#include "bifrost.h"

EXPORT("malloc") u32 malloc_(u32 size) { return heap_alloc(size); }

EXPORT("free") void free_(u32 ptr, u32 size) {
	(void)size;
	heap_free(ptr);
}

EXPORT("get_name") u64 get_name(void) { return out_text("hello-r3"); }

EXPORT("init") i32 init(u32 ptr, u32 len) {
	(void)ptr;
	(void)len;
	return 0;
}

/* The `context` member of the input, or an empty span when there is none. */
static span context_of(span input) {
	span ctx;
	return json_get(input, "context", 0, &ctx) == 1 ? ctx : (span){0, 0};
}

/* An answer: the input's context with `"key":value` added, then the rest of the answer's members. */
static u64 context_answer(span input, const char *key, const char *value, const char *rest) {
	out_begin();
	out_str("{\"context\":");
	out_context_with(context_of(input), key, value);
	out_str(rest);
	return out_end();
}

EXPORT("http_pre_hook") u64 http_pre_hook(u32 ptr, u32 len) {
	return context_answer(span_of(ptr, len), "http_pre_hook", "\"hello-r3\"",
	                      ",\"request\":null,\"response\":null,\"has_response\":false,\"error\":\"\"}");
}

static const char MOCK[] =
    ",\"request\":null,\"short_circuit\":{\"response\":{\"chat_response\":{\"id\":\"mock-123\","
    "\"model\":\"hello-mock\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
    "\"content\":\"Hello from the plugin: no provider was called.\"}}]}}},\"has_short_circuit\":true,\"error\":\"\"}";
static const char RATE_LIMITED[] =
    ",\"request\":null,\"short_circuit\":{\"error\":{\"is_bifrost_error\":false,\"status_code\":429,"
    "\"type\":\"rate_limit\",\"error\":{\"type\":\"rate_limit\",\"code\":\"429\","
    "\"message\":\"Rate limit exceeded\"}}},\"has_short_circuit\":true,\"error\":\"\"}";
static const char PASS[] =
    ",\"request\":null,\"short_circuit\":null,\"has_short_circuit\":false,\"error\":\"\"}";

EXPORT("pre_hook") u64 pre_hook(u32 ptr, u32 len) {
	span input = span_of(ptr, len), request, model;
	int has_model = json_get(input, "request", 0, &request) == 1 &&
	                json_get(request, "model", 0, &model) == 1;
	const char *rest = has_model && json_string_is(model, "hello-mock")    ? MOCK
	                   : has_model && json_string_is(model, "hello-limit") ? RATE_LIMITED
	                                                                       : PASS;
	return context_answer(input, "plugin_processed", "true", rest);
}

EXPORT("post_hook") u64 post_hook(u32 ptr, u32 len) {
	span input = span_of(ptr, len), response = {0, 0}, error = {0, 0}, has_error = {0, 0};
	json_get(input, "response", 0, &response);
	json_get(input, "error", 0, &error);
	json_get(input, "has_error", 0, &has_error);
	out_begin();
	out_str("{\"context\":");
	out_context_with(context_of(input), "post_processed", "true");
	out_str(",\"response\":");
	out_value(response);
	out_str(",\"error\":");
	out_value(error);
	out_str(",\"has_error\":");
	out_str(span_is(has_error, "true") ? "true" : "false");
	out_str(",\"hook_error\":\"\"}");
	return out_end();
}

EXPORT("http_post_hook") u64 http_post_hook(u32 ptr, u32 len) {
	return context_answer(span_of(ptr, len), "http_post_hook", "\"seen\"", ",\"error\":\"\"}");
}

EXPORT("http_stream_chunk_hook") u64 http_stream_chunk_hook(u32 ptr, u32 len) {
	span input = span_of(ptr, len), chunk = {0, 0};
	json_get(input, "chunk", 0, &chunk);
	out_begin();
	out_str("{\"context\":");
	out_value(context_of(input));
	out_str(",\"chunk\":");
	out_value(chunk);
	out_str(",\"has_chunk\":true,\"skip\":false,\"error\":\"\"}");
	return out_end();
}

EXPORT("cleanup") i32 cleanup(void) { return 0; }
