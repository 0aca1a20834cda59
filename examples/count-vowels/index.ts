// Counts vowels in the input. Shows plugin config (which letters count) and Extism vars, which keep
// a value between calls for as long as the plugin instance lives.
import { Config, Host, Var } from '@extism/as-pdk';
import { jsonString, outputText, parseCount } from '../_shared/util';

const DEFAULT_VOWELS = 'aeiouAEIOU';

export function count_vowels(): i32 {
	const configured = Config.get('vowels');
	const vowels = configured === null ? DEFAULT_VOWELS : configured;

	const text = Host.inputString();
	let count: u64 = 0;
	for (let i = 0; i < text.length;) {
		// Compare whole code points, so a configured vowel outside the BMP also works.
		const codePoint = text.codePointAt(i);
		const width = codePoint > 0xffff ? 2 : 1;
		if (vowels.includes(text.substr(i, width))) count++;
		i += width;
	}

	const total = parseCount(Var.get('total')) + count;
	Var.set('total', Uint8Array.wrap(String.UTF8.encode(total.toString())));

	outputText(
		'{"count":' +
			count.toString() +
			',"total":' +
			total.toString() +
			',"vowels":' +
			jsonString(vowels) +
			'}'
	);
	return 0;
}
