// Lint rules for the app, workers, tests and tooling; Prettier owns formatting, so its conflicts are off.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import ts from 'typescript-eslint';

export default defineConfig(
	// AssemblyScript in examples/ looks like TypeScript but is not: the linter would only misread it.
	globalIgnores([
		'dist/',
		'node_modules/',
		'public/examples/',
		'test-results/',
		'playwright-report/',
		'examples/**'
	]),
	js.configs.recommended,
	ts.configs.recommended,
	svelte.configs['flat/recommended'],
	prettier,
	svelte.configs['flat/prettier'],
	{
		languageOptions: { globals: { ...globals.browser } }
	},
	{
		files: ['workers/**'],
		languageOptions: { globals: { ...globals.worker } }
	},
	{
		files: ['scripts/**', 'bench/**', 'tests/e2e/**', '*.config.{js,ts}'],
		languageOptions: { globals: { ...globals.node } }
	},
	{
		// Script blocks in .svelte files and rune modules (*.svelte.ts) are TypeScript.
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: {
			parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] }
		}
	},
	{
		// State classes publish new Map/URL values through `$state.raw` (replace, never mutate), so the
		// reactive SvelteMap/SvelteURL would only add proxies.
		files: ['src/state/**'],
		rules: { 'svelte/prefer-svelte-reactivity': 'off' }
	},
	{
		rules: {
			'@typescript-eslint/no-explicit-any': 'error',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }]
		}
	}
);
