/*
 * bifrost.h: what the C examples of Bifrost's raw WASM ABI share, with no libc (clang --target=wasm32
 * -ffreestanding -nostdlib): an allocator, a builder for answers, a small JSON scanner and base64.
 *
 * Allocator: a bump allocator over linear memory that grows memory when it runs out. Every block the host
 * gets (its inputs, the plugin's answers) is counted; when the host has freed them all, which it does after
 * each call, the heap starts over. A plugin that never frees would grow forever; this one stays small.
 *
 * Answers are built at the top of the heap while nothing else is allocated, then become one block:
 * out_begin(), out_*(), out_end() returns the packed (ptr << 32) | len, or 0 if memory ran out.
 */
#ifndef BIFROST_H
#define BIFROST_H

typedef unsigned char u8;
typedef unsigned int u32;
typedef int i32;
typedef unsigned long long u64;
typedef __SIZE_TYPE__ size_t;

#define EXPORT(name) __attribute__((export_name(name)))
#define PAGE 65536u

/* The compiler turns struct copies and zeroing into calls to these. */
void *memcpy(void *dst, const void *src, size_t n) {
	u8 *d = dst;
	const u8 *s = src;
	while (n--) *d++ = *s++;
	return dst;
}

void *memset(void *dst, int c, size_t n) {
	u8 *d = dst;
	while (n--) *d++ = (u8)c;
	return dst;
}

extern u8 __heap_base;

static u32 heap_start;
static u32 heap_top;
static u32 heap_live;

static inline u32 align8(u32 n) { return (n + 7u) & ~7u; }

/* Makes sure memory reaches byte `end`; 0 when memory cannot grow. */
static inline int heap_reach(u32 end) {
	u64 have = (u64)__builtin_wasm_memory_size(0) * PAGE;
	if (end <= have) return 1;
	u32 pages = (u32)((end - have + PAGE - 1) / PAGE);
	return __builtin_wasm_memory_grow(0, pages) != (__SIZE_TYPE__)-1;
}

static inline void heap_init(void) {
	if (!heap_start) heap_start = heap_top = align8((u32)&__heap_base);
}

/* A block of `size` bytes, or 0 when memory is exhausted. */
static inline u32 heap_alloc(u32 size) {
	heap_init();
	u32 ptr = align8(heap_top);
	u32 end = ptr + size;
	if (end < ptr || !heap_reach(end)) return 0;
	heap_top = end;
	heap_live++;
	return ptr;
}

/* Frees a block; when none is left, the heap starts over. */
static inline void heap_free(u32 ptr) {
	if (ptr == 0 || heap_live == 0) return;
	if (--heap_live == 0) heap_top = heap_start;
}

/* Exports the allocator the host calls under the given names, as malloc(size) -> ptr and free(ptr). */
#define EXPORT_ALLOCATOR(malloc_name, free_name)                                                      \
	EXPORT(malloc_name) u32 exported_malloc(u32 size) { return heap_alloc(size); }                   \
	EXPORT(free_name) void exported_free(u32 ptr) { heap_free(ptr); }

/* ---- answers ---- */

static u32 out_ptr;
static u32 out_len;
static int out_failed;

static inline void out_begin(void) {
	heap_init();
	out_ptr = align8(heap_top);
	out_len = 0;
	out_failed = 0;
}

static inline void out_bytes(const u8 *p, u32 n) {
	if (out_failed || !heap_reach(out_ptr + out_len + n)) {
		out_failed = 1;
		return;
	}
	memcpy((u8 *)(out_ptr + out_len), p, n);
	out_len += n;
}

static inline u32 cstr_len(const char *s) {
	u32 n = 0;
	while (s[n]) n++;
	return n;
}

static inline void out_str(const char *s) { out_bytes((const u8 *)s, cstr_len(s)); }

static inline void out_byte(u8 c) { out_bytes(&c, 1); }

/* Writes `p[0..n)` as a JSON string literal. */
static inline void out_json_string(const u8 *p, u32 n) {
	static const char hex[] = "0123456789abcdef";
	out_byte('"');
	for (u32 i = 0; i < n; i++) {
		u8 c = p[i];
		if (c == '"' || c == '\\') {
			out_byte('\\');
			out_byte(c);
		} else if (c < 0x20) {
			u8 esc[6] = {'\\', 'u', '0', '0', (u8)hex[c >> 4], (u8)hex[c & 15]};
			out_bytes(esc, 6);
		} else {
			out_byte(c);
		}
	}
	out_byte('"');
}

/* Writes `p[0..n)` as standard base64 with padding, the way Go encodes a []byte in JSON. */
static inline void out_base64(const u8 *p, u32 n) {
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (u32 i = 0; i < n; i += 3) {
		u32 rest = n - i;
		u32 v = (u32)p[i] << 16 | (rest > 1 ? (u32)p[i + 1] << 8 : 0) | (rest > 2 ? p[i + 2] : 0);
		u8 quad[4] = {(u8)abc[v >> 18], (u8)abc[(v >> 12) & 63], rest > 1 ? (u8)abc[(v >> 6) & 63] : '=',
		              rest > 2 ? (u8)abc[v & 63] : '='};
		out_bytes(quad, 4);
	}
}

/* The answer as one block the host frees: its packed (ptr << 32) | len, or 0 when memory ran out. */
static inline u64 out_end(void) {
	if (out_failed) return 0;
	heap_top = out_ptr + out_len;
	heap_live++;
	return (u64)out_ptr << 32 | out_len;
}

/* A whole answer that is just `text` (get_name's). */
static inline u64 out_text(const char *text) {
	out_begin();
	out_str(text);
	return out_end();
}

/* ---- JSON ---- */

/* A run of bytes in memory: a JSON value, or the inside of a string. */
typedef struct {
	const u8 *p;
	u32 n;
} span;

static inline span span_of(u32 ptr, u32 len) { return (span){(const u8 *)ptr, len}; }

static inline const u8 *skip_ws(const u8 *p, const u8 *end) {
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
	return p;
}

/* The end of the JSON value starting at `p`, or 0 when it is malformed or cut short. */
static inline const u8 *skip_value(const u8 *p, const u8 *end, int depth) {
	if (p >= end || depth > 64) return 0;
	if (*p == '"') {
		for (p++; p < end; p++) {
			if (*p == '\\') p++;
			else if (*p == '"') return p + 1;
		}
		return 0;
	}
	if (*p == '{' || *p == '[') {
		u8 close = *p == '{' ? '}' : ']';
		p = skip_ws(p + 1, end);
		if (p < end && *p == close) return p + 1;
		while (p < end) {
			if (close == '}') {
				if (*p != '"') return 0;
				p = skip_ws(skip_value(p, end, depth + 1), end);
				if (!p || p >= end || *p != ':') return 0;
				p = skip_ws(p + 1, end);
			}
			p = skip_value(p, end, depth + 1);
			if (!p) return 0;
			p = skip_ws(p, end);
			if (p < end && *p == close) return p + 1;
			if (p >= end || *p != ',') return 0;
			p = skip_ws(p + 1, end);
		}
		return 0;
	}
	const u8 *start = p;
	while (p < end && ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || *p == '-' || *p == '+' ||
	                   *p == '.' || *p == 'E'))
		p++;
	return p > start ? p : 0;
}

static inline u8 lower(u8 c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* Whether the string literal `lit` (quotes included) holds exactly `key`, optionally ignoring case. */
static inline int key_is(span lit, const char *key, int fold) {
	u32 n = cstr_len(key);
	if (lit.n != n + 2) return 0;
	for (u32 i = 0; i < n; i++) {
		u8 a = lit.p[i + 1], b = (u8)key[i];
		if (fold ? lower(a) != lower(b) : a != b) return 0;
	}
	return 1;
}

/*
 * Finds member `key` of the object `obj`: 1 and its value in `*out`, 0 when absent, -1 when `obj` is not
 * a well-formed object. With `fold`, keys compare ignoring ASCII case (HTTP header names).
 */
static inline int json_get(span obj, const char *key, int fold, span *out) {
	const u8 *end = obj.p + obj.n;
	const u8 *p = skip_ws(obj.p, end);
	if (p >= end || *p != '{') return -1;
	p = skip_ws(p + 1, end);
	if (p < end && *p == '}') return 0;
	while (p < end) {
		const u8 *k = p;
		const u8 *k_end = skip_value(p, end, 0);
		if (*k != '"' || !k_end) return -1;
		p = skip_ws(k_end, end);
		if (p >= end || *p != ':') return -1;
		p = skip_ws(p + 1, end);
		const u8 *v_end = skip_value(p, end, 0);
		if (!v_end) return -1;
		if (key_is((span){k, (u32)(k_end - k)}, key, fold)) {
			*out = (span){p, (u32)(v_end - p)};
			return 1;
		}
		p = skip_ws(v_end, end);
		if (p < end && *p == '}') return 0;
		if (p >= end || *p != ',') return -1;
		p = skip_ws(p + 1, end);
	}
	return -1;
}

/* The inside of a string value without escapes in `*out`; 0 when it is not such a string. */
static inline int json_plain_string(span v, span *out) {
	if (v.n < 2 || v.p[0] != '"' || v.p[v.n - 1] != '"') return 0;
	for (u32 i = 1; i + 1 < v.n; i++)
		if (v.p[i] == '\\') return 0;
	*out = (span){v.p + 1, v.n - 2};
	return 1;
}

/* Whether the bytes of `v` are exactly `text`. */
static inline int span_is(span v, const char *text) {
	if (v.n != cstr_len(text)) return 0;
	for (u32 i = 0; i < v.n; i++)
		if (v.p[i] != (u8)text[i]) return 0;
	return 1;
}

/* Whether a value is the string `text` (no escapes). */
static inline int json_string_is(span v, const char *text) {
	span s;
	return json_plain_string(v, &s) && span_is(s, text);
}

/* Writes a JSON value as it came, or `null` when it is empty. */
static inline void out_value(span v) {
	if (v.n == 0) out_str("null");
	else out_bytes(v.p, v.n);
}

/*
 * Writes the object `ctx` with one member added, `"key":<raw JSON>`, as revision 3 hooks answer with the
 * context keys they set; a missing or non-object context becomes a new object.
 */
static inline void out_context_with(span ctx, const char *key, const char *raw) {
	const u8 *end = ctx.p + ctx.n;
	const u8 *open = skip_ws(ctx.p, end);
	u32 n = ctx.n;
	while (n > 0 && ctx.p[n - 1] != '}') n--;
	if (open >= end || *open != '{' || n == 0) {
		out_byte('{');
	} else {
		out_bytes(ctx.p, n - 1);
		if (skip_ws(open + 1, end) != ctx.p + n - 1) out_byte(',');
	}
	out_json_string((const u8 *)key, cstr_len(key));
	out_byte(':');
	out_str(raw);
	out_byte('}');
}

#endif
