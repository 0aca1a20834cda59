/*
 * bifrost-null-pointer: a revision 3 plugin whose pre_hook packs pointer 0 with a length of 16, as a plugin
 * does that forgets to fill in the pointer of its answer. Address 0 is inside memory, so only the host's
 * null-pointer check stops it from reading 16 bytes there as the answer.
 */
#include "bifrost.h"

EXPORT_ALLOCATOR("malloc", "free")

EXPORT("get_name") u64 get_name(void) { return out_text("null-pointer"); }

EXPORT("pre_hook") u64 pre_hook(u32 ptr, u32 len) {
	(void)ptr;
	(void)len;
	return 16;
}
