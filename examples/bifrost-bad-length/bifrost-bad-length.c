/*
 * bifrost-bad-length: a revision 3 plugin whose pre_hook writes a correct answer but packs a length that runs
 * past the end of memory, as a plugin does that packs the wrong variable. The host must refuse to read it.
 */
#include "bifrost.h"

EXPORT_ALLOCATOR("malloc", "free")

EXPORT("get_name") u64 get_name(void) { return out_text("bad-length"); }

EXPORT("pre_hook") u64 pre_hook(u32 ptr, u32 len) {
	(void)ptr;
	(void)len;
	out_begin();
	out_str("{\"context\":{},\"request\":null,\"short_circuit\":null,\"has_short_circuit\":false,\"error\":\"\"}");
	u64 packed = out_end();
	return (packed & 0xffffffff00000000ull) | 0x7fffffffu;
}
