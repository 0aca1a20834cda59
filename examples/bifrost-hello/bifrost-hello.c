/*
 * bifrost-hello: a Bifrost WASM plugin of ABI revision 1 (the old hello-world README), in C without libc.
 *
 * - init reads {"api_key_header": "..."} (default "authorization"); malformed config makes it return 1.
 * - http_transport_intercept sees the HTTP request: without a non-empty API key header (compared ignoring
 *   case) it answers 401 itself, with a JSON error body in base64; otherwise it lets the request through.
 *   Only this hook sees HTTP headers: pre_hook gets the parsed Bifrost request.
 * - pre_hook puts a system message first in the request's `input`.
 * - post_hook passes the response and error through unchanged.
 */
#include "bifrost.h"

static char key_header[64] = "authorization";

/* TinyGo's names for the allocator, which revision 1 hosts look for first. */
EXPORT_ALLOCATOR("plugin_malloc", "plugin_free")

EXPORT("get_name") u64 get_name(void) { return out_text("hello-world"); }

EXPORT("init") i32 init(u32 ptr, u32 len) {
	span config = span_of(ptr, len);
	const u8 *end = config.p + config.n;
	const u8 *start = skip_ws(config.p, end);
	/* No configuration at all is fine: keep the default header. */
	if (start == end || span_is((span){start, (u32)(skip_value(start, end, 0) - start)}, "null")) return 0;
	span value, name;
	int found = json_get(config, "api_key_header", 0, &value);
	if (found < 0) return 1;
	if (found == 0) return 0;
	if (!json_plain_string(value, &name) || name.n == 0 || name.n >= sizeof key_header) return 1;
	memcpy(key_header, name.p, name.n);
	key_header[name.n] = 0;
	return 0;
}

EXPORT("http_transport_intercept")
u64 http_transport_intercept(u32 ctx_ptr, u32 ctx_len, u32 req_ptr, u32 req_len) {
	(void)ctx_ptr;
	(void)ctx_len;
	span req = span_of(req_ptr, req_len), headers, key, text;
	out_begin();
	int found = json_get(req, "headers", 0, &headers);
	if (found < 0) {
		out_str("{\"response\":null,\"error\":\"the request is not a JSON object\"}");
		return out_end();
	}
	if (found == 1 && json_get(headers, key_header, 1, &key) == 1 && json_plain_string(key, &text) &&
	    text.n > 0) {
		out_str("{\"response\":null,\"error\":\"\"}");
		return out_end();
	}
	/* The body is built in a buffer of its own, then written as base64. */
	static u8 body[256];
	u32 n = 0;
	const char *parts[] = {"{\"error\":{\"type\":\"authentication_error\",\"message\":\"missing API key: send an ",
	                       key_header, " header\"}}"};
	for (u32 i = 0; i < 3; i++)
		for (const char *c = parts[i]; *c && n < sizeof body; c++) body[n++] = (u8)*c;
	out_str("{\"response\":{\"status_code\":401,\"headers\":{\"Content-Type\":\"application/json\"},\"body\":\"");
	out_base64(body, n);
	out_str("\"},\"error\":\"\"}");
	return out_end();
}

EXPORT("pre_hook") u64 pre_hook(u32 ctx_ptr, u32 ctx_len, u32 req_ptr, u32 req_len) {
	(void)ctx_ptr;
	(void)ctx_len;
	span req = span_of(req_ptr, req_len), input;
	out_begin();
	if (json_get(req, "input", 0, &input) != 1 || input.p[0] != '[') {
		/* Nothing to add to: null keeps the request as it was. */
		out_str("{\"request\":null,\"short_circuit\":null,\"error\":\"\"}");
		return out_end();
	}
	const u8 *inside = input.p + 1;
	int empty = *skip_ws(inside, input.p + input.n) == ']';
	out_str("{\"request\":");
	out_bytes(req.p, (u32)(inside - req.p));
	out_str("{\"role\":\"system\",\"content\":\"The hello-world plugin says hello.\"}");
	if (!empty) out_byte(',');
	out_bytes(inside, (u32)(req.p + req.n - inside));
	out_str(",\"short_circuit\":null,\"error\":\"\"}");
	return out_end();
}

EXPORT("post_hook")
u64 post_hook(u32 ctx_ptr, u32 ctx_len, u32 resp_ptr, u32 resp_len, u32 err_ptr, u32 err_len) {
	(void)ctx_ptr;
	(void)ctx_len;
	out_begin();
	out_str("{\"response\":");
	out_value(span_of(resp_ptr, resp_len));
	out_str(",\"bifrost_error\":");
	out_value(span_of(err_ptr, err_len));
	out_str(",\"error\":\"\"}");
	return out_end();
}

EXPORT("cleanup") i32 cleanup(void) { return 0; }
