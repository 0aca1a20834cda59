import { fail, type PlaygroundError, type Result } from '../errors';
import {
	EXTISM_ENV,
	LEGACY_ENV,
	LEGACY_PREFIX,
	WASI_P1,
	WASI_UNSTABLE,
	type ExportInfo,
	type ExternKind,
	type FuncSig,
	type ImportInfo,
	type MemoryInfo,
	type ModuleInfo,
	type ValType
} from './types';

/** Where one section lies in a module: `start` is its id byte, `contentStart` follows its size. */
export interface SectionSpan {
	id: number;
	start: number;
	contentStart: number;
	end: number;
}

/** A memory defined in the memory section: its limits, raw flags byte and the bytes of its entry. */
export interface MemoryEntry {
	info: MemoryInfo;
	flags: number;
	start: number;
	end: number;
}

/** The byte layout that tools rewriting a module (such as `limitMemory`) need. */
export interface ModuleLayout {
	sections: SectionSpan[];
	/** Entries of the memory section, in order; imported memories are not here. */
	memoryEntries: MemoryEntry[];
}

/** Memory limits flag bits: bit 0 has-max, 1 shared, 2 memory64, 3 custom page size. */
export const MEMORY_FLAGS = { hasMax: 1, shared: 2, memory64: 4, customPageSize: 8 } as const;

/** Section names by id, as the spec and tools such as wasm-objdump call them. */
export const SECTION_NAMES: readonly string[] = [
	'custom',
	'type',
	'import',
	'function',
	'table',
	'memory',
	'global',
	'export',
	'start',
	'element',
	'code',
	'data',
	'data count',
	'tag'
];

const MAGIC = [0x00, 0x61, 0x73, 0x6d];
const EXTERN_KINDS: readonly ExternKind[] = ['function', 'table', 'memory', 'global', 'tag'];
const VAL_TYPES: Record<number, ValType> = {
	0x7f: 'i32',
	0x7e: 'i64',
	0x7d: 'f32',
	0x7c: 'f64',
	0x7b: 'v128',
	0x70: 'funcref',
	0x6f: 'externref'
};
/** Type forms of the GC and stack-switching proposals, named so the error says what was found. */
const OTHER_TYPE_FORMS: Record<number, string> = {
	0x4e: 'a recursive type group',
	0x4f: 'a final subtype',
	0x50: 'a subtype',
	0x5d: 'a continuation type',
	0x5e: 'an array type',
	0x5f: 'a struct type'
};

const HINT_TRUNCATED =
	'Download or copy the file again; if you built it, check that the build finished writing it.';
const HINT_CORRUPT =
	'The module is corrupt: build it again, and if that does not help, report it to the toolchain that produced it.';
const HINT_NOT_WASM =
	'Choose a compiled WebAssembly module: a .wasm file starts with the bytes 00 61 73 6d ("\\0asm").';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const lossyUtf8 = new TextDecoder('utf-8');

/** Carries a load error out of the parser's nested reads; it never leaves this module. */
class ParseError extends Error {
	constructor(readonly detail: PlaygroundError) {
		super(detail.message);
	}
}

function loadError(message: string, hint: string): ParseError {
	return new ParseError({ kind: 'load', message, hint });
}

function sectionName(id: number): string {
	return SECTION_NAMES[id] ?? `unknown (id ${id})`;
}

/** Reads one region of the module; running past `end` is reported as truncation or overrun. */
class Reader {
	pos: number;

	constructor(
		readonly bytes: Uint8Array,
		start: number,
		readonly end: number,
		readonly where: string
	) {
		this.pos = start;
	}

	get done(): boolean {
		return this.pos >= this.end;
	}

	private need(n: number): void {
		if (this.pos + n <= this.end) return;
		if (this.end >= this.bytes.length) {
			throw loadError(
				`The file ends at byte ${this.bytes.length} inside the ${this.where}; it is truncated: download it again.`,
				HINT_TRUNCATED
			);
		}
		throw loadError(
			`The ${this.where} is malformed: an entry at byte ${this.pos} runs past the section's end at byte ${this.end}.`,
			HINT_CORRUPT
		);
	}

	u8(): number {
		this.need(1);
		return this.bytes[this.pos++] ?? 0;
	}

	/** An unsigned LEB128 of at most `bits` bits; returned as a number, exact up to 2^53. */
	leb(bits: 32 | 64): number {
		const start = this.pos;
		const maxBytes = Math.ceil(bits / 7);
		let value = 0;
		for (let i = 0; i < maxBytes; i++) {
			const b = this.u8();
			if (i === maxBytes - 1) {
				if (b & 0x80) throw this.badLeb(start, `it is longer than ${maxBytes} bytes`);
				// The last byte may only carry the bits that are left of the integer's width.
				if (b >> (bits - 7 * i) !== 0) throw this.badLeb(start, `it does not fit in ${bits} bits`);
			}
			value += (b & 0x7f) * 2 ** (7 * i);
			if ((b & 0x80) === 0) return value;
		}
		return value;
	}

	u32(): number {
		return this.leb(32);
	}

	/** Skips a signed 33-bit LEB128 (a heap type index); only its length matters here. */
	skipS33(): void {
		const start = this.pos;
		for (let i = 0; i < 5; i++) if ((this.u8() & 0x80) === 0) return;
		throw this.badLeb(start, 'it is longer than 5 bytes');
	}

	name(lossy = false): string {
		const start = this.pos;
		const length = this.u32();
		this.need(length);
		const raw = this.bytes.subarray(this.pos, this.pos + length);
		this.pos += length;
		if (lossy) return lossyUtf8.decode(raw);
		try {
			return utf8.decode(raw);
		} catch {
			throw loadError(
				`The ${this.where} is malformed: the name at byte ${start} is not valid UTF-8.`,
				HINT_CORRUPT
			);
		}
	}

	private badLeb(start: number, reason: string): ParseError {
		return loadError(
			`Malformed LEB128 integer at byte ${start} in the ${this.where}: ${reason}.`,
			HINT_CORRUPT
		);
	}
}

interface Limits {
	flags: number;
	min: number;
	max: number | null;
}

function readLimits(r: Reader, what: string): Limits {
	const at = r.pos;
	const flags = r.u8();
	if (flags > 0x0f) {
		throw loadError(
			`The ${r.where} is malformed: ${what} at byte ${at} has unknown limits flags 0x${flags.toString(16)}.`,
			HINT_CORRUPT
		);
	}
	const bits = flags & MEMORY_FLAGS.memory64 ? 64 : 32;
	const min = r.leb(bits);
	const max = flags & MEMORY_FLAGS.hasMax ? r.leb(bits) : null;
	if (flags & MEMORY_FLAGS.customPageSize) r.u32();
	return { flags, min, max };
}

function memoryInfo(limits: Limits, imported: boolean): MemoryInfo {
	return {
		minPages: limits.min,
		maxPages: limits.max,
		imported,
		shared: (limits.flags & MEMORY_FLAGS.shared) !== 0,
		memory64: (limits.flags & MEMORY_FLAGS.memory64) !== 0
	};
}

function valType(r: Reader): ValType {
	const b = r.u8();
	// (ref ht) and (ref null ht) carry a heap type; consume it so the reader stays in step.
	if (b === 0x63 || b === 0x64) r.skipS33();
	return VAL_TYPES[b] ?? 'unknown';
}

function valTypes(r: Reader): ValType[] {
	const count = r.u32();
	const types: ValType[] = [];
	for (let i = 0; i < count; i++) types.push(valType(r));
	return types;
}

function externKind(r: Reader, what: () => string): ExternKind {
	const at = r.pos;
	const b = r.u8();
	const kind = EXTERN_KINDS[b];
	if (kind) return kind;
	throw loadError(
		`The ${r.where} is malformed: ${what()} has unknown kind 0x${b.toString(16).padStart(2, '0')} at byte ${at}.`,
		HINT_CORRUPT
	);
}

/** What the section parsers collect before function indices are resolved to signatures. */
interface Collected {
	types: FuncSig[];
	imports: { info: ImportInfo; typeIndex: number | null }[];
	functionTypes: number[];
	exports: { info: ExportInfo; index: number }[];
	memories: MemoryInfo[];
	memoryEntries: MemoryEntry[];
	customSections: string[];
}

function readTypes(r: Reader, c: Collected): void {
	const count = r.u32();
	for (let i = 0; i < count; i++) {
		const at = r.pos;
		const form = r.u8();
		if (form !== 0x60) {
			const known = OTHER_TYPE_FORMS[form];
			const formHex = `0x${form.toString(16).padStart(2, '0')}`;
			throw known
				? loadError(
						`Type ${i} (byte ${at}) is ${known} (form ${formHex}) from the garbage-collection or stack-switching proposals; the playground reads only function types (form 0x60).`,
						'Build the module without the GC / stack-switching proposals: Extism plugins use plain function types.'
					)
				: loadError(
						`The type section is malformed: type ${i} at byte ${at} has unknown form ${formHex}; only function types (0x60) exist.`,
						HINT_CORRUPT
					);
		}
		const params = valTypes(r);
		const results = valTypes(r);
		c.types.push({ params, results });
	}
}

function readImports(r: Reader, c: Collected): void {
	const count = r.u32();
	for (let i = 0; i < count; i++) {
		const module = r.name();
		const name = r.name();
		const kind = externKind(r, () => `import ${i} ("${module}" "${name}")`);
		let typeIndex: number | null = null;
		if (kind === 'function') typeIndex = r.u32();
		else if (kind === 'table') {
			valType(r);
			readLimits(r, `the table imported as "${module}" "${name}"`);
		} else if (kind === 'memory') {
			c.memories.push(memoryInfo(readLimits(r, `memory "${module}" "${name}"`), true));
		} else if (kind === 'global') {
			valType(r);
			r.u8();
		} else {
			r.u8();
			r.u32();
		}
		c.imports.push({ info: { module, name, kind }, typeIndex });
	}
}

function readFunctions(r: Reader, c: Collected): void {
	const count = r.u32();
	for (let i = 0; i < count; i++) c.functionTypes.push(r.u32());
}

function readMemories(r: Reader, c: Collected): void {
	const count = r.u32();
	for (let i = 0; i < count; i++) {
		const start = r.pos;
		const limits = readLimits(r, `memory ${i}`);
		const info = memoryInfo(limits, false);
		c.memories.push(info);
		c.memoryEntries.push({ info, flags: limits.flags, start, end: r.pos });
	}
}

function readExports(r: Reader, c: Collected): void {
	const count = r.u32();
	for (let i = 0; i < count; i++) {
		const name = r.name();
		const kind = externKind(r, () => `export ${i} ("${name}")`);
		c.exports.push({ info: { name, kind }, index: r.u32() });
	}
}

const SECTION_READERS: Partial<Record<number, (r: Reader, c: Collected) => void>> = {
	1: readTypes,
	2: readImports,
	3: readFunctions,
	5: readMemories,
	7: readExports
};

/** The type a function uses; `user` names that function in the error when the type does not exist. */
function typeOf(c: Collected, typeIndex: number, user: string): FuncSig {
	const sig = c.types[typeIndex];
	if (!sig) {
		throw loadError(
			`The module is malformed: ${user} uses type ${typeIndex}, but the type section declares only ${c.types.length} type${c.types.length === 1 ? '' : 's'}.`,
			HINT_CORRUPT
		);
	}
	return sig;
}

function signature(c: Collected, typeIndex: number, user: string): FuncSig {
	const sig = typeOf(c, typeIndex, user);
	return { params: [...sig.params], results: [...sig.results] };
}

function resolve(c: Collected): { imports: ImportInfo[]; exports: ExportInfo[] } {
	const funcTypes: number[] = [];
	const imports = c.imports.map(({ info, typeIndex }) => {
		if (typeIndex === null) return info;
		funcTypes.push(typeIndex);
		return {
			...info,
			signature: signature(c, typeIndex, `import "${info.module}" "${info.name}"`)
		};
	});
	const importedFunctions = funcTypes.length;
	c.functionTypes.forEach((typeIndex, i) => {
		typeOf(c, typeIndex, `function ${importedFunctions + i}`);
		funcTypes.push(typeIndex);
	});
	const exports = c.exports.map(({ info, index }) => {
		if (info.kind !== 'function') return info;
		const typeIndex = funcTypes[index];
		if (typeIndex === undefined) {
			throw loadError(
				`The module is malformed: export "${info.name}" refers to function ${index}, but the module has only ${funcTypes.length} function${funcTypes.length === 1 ? '' : 's'}.`,
				HINT_CORRUPT
			);
		}
		const user =
			index < importedFunctions
				? `export "${info.name}" (a re-exported import)`
				: `function ${index} (exported as "${info.name}")`;
		return { ...info, signature: signature(c, typeIndex, user) };
	});
	return { imports, exports };
}

/** Says what a file that is not WebAssembly looks like, from its first bytes. */
function describeNotWasm(bytes: Uint8Array): ParseError {
	const head = bytes.subarray(0, 64);
	const hex = [...head.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
	const is = (...sig: number[]): boolean => sig.every((b, i) => head[i] === b);
	let looks: string | null = null;
	let hint = HINT_NOT_WASM;
	if (is(0x1f, 0x8b)) {
		looks = 'a gzip-compressed file';
		hint = 'Decompress it first (gunzip), then load the .wasm inside.';
	} else if (is(0x50, 0x4b, 0x03, 0x04)) {
		looks = 'a zip archive';
		hint = 'Extract the .wasm file from the archive and load that.';
	} else if (is(0x7f, 0x45, 0x4c, 0x46)) {
		looks = 'a native executable (ELF)';
		hint =
			'Build the plugin for a WebAssembly target (e.g. wasm32-unknown-unknown or wasm32-wasip1).';
	} else if (head.every((b) => b >= 0x20 || b === 0x09 || b === 0x0a || b === 0x0d)) {
		const text = lossyUtf8
			.decode(head)
			.replace(/^\uFEFF/, '')
			.trimStart();
		const token = (/^\S{1,16}/.exec(text)?.[0] ?? '').replace(/`/g, "'");
		const lower = text.toLowerCase();
		if (token === '') {
			return loadError(
				'This is not a WebAssembly module: it starts with nothing but whitespace — this looks like a text file, not a .wasm file.',
				hint
			);
		}
		if (lower.startsWith('<')) {
			looks = 'an HTML page';
			hint =
				'The server sent a web page (often an error page, or a GitHub page around the file) instead of the module: download the raw .wasm file.';
		} else if (lower.startsWith('{') || lower.startsWith('[')) {
			looks = 'JSON';
			hint =
				'If it is an Extism manifest, open it as a manifest; otherwise choose the compiled .wasm file.';
		} else if (
			lower.startsWith('(module') ||
			lower.startsWith('(component') ||
			lower.startsWith(';;')
		) {
			looks = 'WebAssembly text (WAT)';
			hint = 'Compile the text to a binary module first, for example with wat2wasm.';
		} else {
			looks = 'a text file';
		}
		return loadError(
			`This is not a WebAssembly module: it starts with \`${token}\` — this looks like ${looks}, not a .wasm file.`,
			hint
		);
	}
	return loadError(
		`This is not a WebAssembly module: it starts with the bytes ${hex}${looks ? ` — this looks like ${looks}` : ''}, not 00 61 73 6d ("\\0asm").`,
		hint
	);
}

function readHeader(bytes: Uint8Array): void {
	if (bytes.length === 0) {
		throw loadError('The file is empty (0 bytes).', HINT_TRUNCATED);
	}
	const prefix = Math.min(bytes.length, 4);
	if (!MAGIC.slice(0, prefix).every((b, i) => bytes[i] === b)) throw describeNotWasm(bytes);
	if (bytes.length < 8) {
		throw loadError(
			`The file ends at byte ${bytes.length} inside the module header (8 bytes); it is truncated: download it again.`,
			HINT_TRUNCATED
		);
	}
	const version =
		((bytes[4] ?? 0) |
			((bytes[5] ?? 0) << 8) |
			((bytes[6] ?? 0) << 16) |
			((bytes[7] ?? 0) << 24)) >>>
		0;
	if (version === 1) return;
	if (bytes[6] === 0x01 && bytes[7] === 0x00) {
		throw loadError(
			'This is a WebAssembly component (component model), not a core module; the playground runs core modules, as Extism does.',
			'Build a core module instead (for example target wasm32-wasip1 without turning it into a component).'
		);
	}
	throw loadError(
		`Unsupported WebAssembly binary version ${version} (0x${version.toString(16).padStart(8, '0')}); only version 1 exists for core modules.`,
		'The file is probably not a module or is corrupt: rebuild it with a standard WebAssembly toolchain.'
	);
}

/** Extism's kernel (`extism:host/env`), a pre-1.0 PDK's kernel (`env` `extism_*`), or neither. */
function flavorOf(imports: readonly ImportInfo[]): ModuleInfo['flavor'] {
	if (imports.some((i) => i.module === EXTISM_ENV)) return 'extism';
	if (imports.some((i) => i.module === LEGACY_ENV && i.name.startsWith(LEGACY_PREFIX))) {
		return 'extism-legacy';
	}
	return 'raw';
}

/** Id of the start section, which names a function run at instantiation. */
const START_SECTION = 8;

/** Reads a module's sections: what `inspectModule` reports, plus where each piece lies. */
export function parseModule(bytes: Uint8Array): Result<{ info: ModuleInfo; layout: ModuleLayout }> {
	try {
		readHeader(bytes);
		const c: Collected = {
			types: [],
			imports: [],
			functionTypes: [],
			exports: [],
			memories: [],
			memoryEntries: [],
			customSections: []
		};
		const sections: SectionSpan[] = [];
		let pos = 8;
		while (pos < bytes.length) {
			const start = pos;
			const id = bytes[pos] ?? 0;
			const label = `${sectionName(id)} section`;
			const header = new Reader(bytes, pos + 1, bytes.length, `header of the ${label}`);
			const size = header.u32();
			const contentStart = header.pos;
			const end = contentStart + size;
			if (end > bytes.length) {
				throw loadError(
					`The file ends at byte ${bytes.length} inside the ${label}; it is truncated: download it again.`,
					HINT_TRUNCATED
				);
			}
			sections.push({ id, start, contentStart, end });
			const r = new Reader(bytes, contentStart, end, label);
			const read = SECTION_READERS[id];
			if (id === 0) c.customSections.push(r.name(true));
			else if (read) {
				read(r, c);
				if (!r.done) {
					throw loadError(
						`The ${label} is malformed: it declares ${size} bytes, but its entries end at byte ${r.pos}, ${end - r.pos} byte${end - r.pos === 1 ? '' : 's'} before the section does.`,
						HINT_CORRUPT
					);
				}
			}
			pos = end;
		}
		const { imports, exports } = resolve(c);
		const info: ModuleInfo = {
			size: bytes.length,
			flavor: flavorOf(imports),
			needsWasi: imports.some((i) => i.module === WASI_P1 || i.module === WASI_UNSTABLE),
			exports,
			imports,
			memories: c.memories,
			customSections: c.customSections,
			hasStart: sections.some((s) => s.id === START_SECTION)
		};
		return { ok: true, info, layout: { sections, memoryEntries: c.memoryEntries } };
	} catch (e) {
		if (e instanceof ParseError) return { ok: false, error: e.detail };
		return fail(
			'load',
			`The module could not be read: ${e instanceof Error ? e.message : String(e)}.`,
			HINT_CORRUPT
		);
	}
}

/** Reads what the playground needs to know about a module without compiling it; never throws. */
export function inspectModule(bytes: Uint8Array): Result<{ info: ModuleInfo }> {
	const parsed = parseModule(bytes);
	return parsed.ok ? { ok: true, info: parsed.info } : parsed;
}
