/*
 * bifrost-null: a revision 3 plugin whose pre_hook returns 0, the packed value for "nothing" (what a
 * plugin whose allocator failed returns too). The host has nothing to read, so the hook changes nothing.
 */
#include "bifrost.h"

EXPORT_ALLOCATOR("malloc", "free")

EXPORT("get_name") u64 get_name(void) { return out_text("null"); }

EXPORT("pre_hook") u64 pre_hook(u32 ptr, u32 len) {
	(void)ptr;
	(void)len;
	return 0;
}
