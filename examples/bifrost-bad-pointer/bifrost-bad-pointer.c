/*
 * bifrost-bad-pointer: a revision 3 plugin whose pre_hook packs a pointer far past the end of its memory,
 * as a plugin does that returns an address it never allocated. The host must refuse to read it.
 */
#include "bifrost.h"

EXPORT_ALLOCATOR("malloc", "free")

EXPORT("get_name") u64 get_name(void) { return out_text("bad-pointer"); }

EXPORT("pre_hook") u64 pre_hook(u32 ptr, u32 len) {
	(void)ptr;
	(void)len;
	return (u64)0xffff0000u << 32 | 16;
}
