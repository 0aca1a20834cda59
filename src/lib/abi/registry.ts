/**
 * The ABI profiles the playground knows, in detection order. State, components, sharing and the worker
 * reach profiles only through this list; adding a profile is one line here (see profile.ts).
 */
import { bifrostProfile } from './bifrost/profile';
import { bubProfile } from './bub/profile';
import { harmontProfile } from './harmont/profile';
import { studioBrainProfile } from './studiobrain/profile';
import type { Profile, Transport } from './profile';
import type { ModuleInfo } from '../wasm/types';

/** The profiles, in detection order: the first one that matches a module is its ABI. */
const PROFILES: Profile[] = [bubProfile, bifrostProfile, harmontProfile, studioBrainProfile];

/** The profiles in detection order. */
export function profiles(): readonly Profile[] {
	return PROFILES;
}

/** Adds a profile after the built-in ones (a test's profile, say); one with the same id is replaced. */
export function registerProfile(profile: Profile): void {
	const at = PROFILES.findIndex((p) => p.id === profile.id);
	if (at === -1) PROFILES.push(profile);
	else PROFILES[at] = profile;
}

/** The profile with this id, if one is registered. */
export function profileById(id: string): Profile | undefined {
	return PROFILES.find((p) => p.id === id);
}

/** The first profile whose detection matches a module, else the registered one an example names. */
export function detectProfile(info: ModuleInfo | null, exampleAbi?: string): Profile | null {
	if (info !== null) {
		const found = PROFILES.find((p) => p.detect(info).matches);
		if (found) return found;
	}
	return (exampleAbi !== undefined && profileById(exampleAbi)) || null;
}

/** How the worker calls a module: `raw` when a raw-transport profile claims it, else through Extism. */
export function transportOf(info: ModuleInfo): Transport {
	return PROFILES.some((p) => p.transport === 'raw' && p.claims(info)) ? 'raw' : 'extism';
}
