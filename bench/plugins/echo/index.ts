// Returns its input. Host.input() reads it 8 bytes per input_load_u64 and Host.output() stores it 8
// bytes per store_u64: the PDK's bulk path, the one every AssemblyScript plugin pays for.
import { Host } from '@extism/as-pdk';

export function echo(): i32 {
	Host.output(Host.input());
	return 0;
}
