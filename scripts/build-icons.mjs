// Renders public/icon.svg to the PNG sizes the web app manifest lists (run by hand after changing the SVG).
import { chromium } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import { CHROMIUM_ARGS, findChromium } from './find-browser.mjs';

const svg = await readFile(new URL('../public/icon.svg', import.meta.url), 'utf8');
const browser = await chromium.launch({ executablePath: findChromium(), args: [...CHROMIUM_ARGS] });
try {
	for (const size of [192, 512]) {
		const page = await browser.newPage({ viewport: { width: size, height: size } });
		await page.setContent(
			`<style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`
		);
		await page.screenshot({
			path: new URL(`../public/icon-${size}.png`, import.meta.url).pathname,
			omitBackground: true
		});
		await page.close();
	}
} finally {
	await browser.close();
}
