/*
 * bifrost-bad-json: a revision 3 plugin whose pre_hook packs one byte too few, so the host reads a JSON
 * object without its closing brace: the off-by-one that turns a correct answer into one nobody can parse.
 */
#include "bifrost.h"

EXPORT_ALLOCATOR("malloc", "free")

EXPORT("get_name") u64 get_name(void) { return out_text("bad-json"); }

EXPORT("pre_hook") u64 pre_hook(u32 ptr, u32 len) {
	(void)ptr;
	(void)len;
	out_begin();
	out_str("{\"context\":{},\"request\":null,\"short_circuit\":null,\"has_short_circuit\":false,\"error\":\"\"}");
	return out_end() - 1;
}
