/**
 * Which Cloudreve answers: its generation and version, and the 3.x change points, each named
 * once (doc §1, §2.1, §4.1, §5.1). Imports nothing, so every other module may use it.
 */
export type Generation = 'v3' | 'v4';
export type ApiVersionSetting = 'auto' | Generation;

export interface ServerInfo {
	generation: Generation;
	/** What /site/ping answered, e.g. "3.8.3" or "4.0.0-pro". */
	version: string;
}

/** Numeric compare of dotted versions; suffixes such as "-pro" or "-beta1" are ignored. */
export function versionAtLeast(version: string, minimum: string): boolean {
	const parse = (v: string) =>
		v
			.replace(/^v/i, '')
			.split(/[.-]/)
			.slice(0, 3)
			.map((part) => parseInt(part, 10) || 0);
	const a = parse(version);
	const b = parse(minimum);
	for (let i = 0; i < 3; i++) {
		if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
	}
	return true;
}

const isV3Before = (server: ServerInfo, version: string) =>
	server.generation === 'v3' && !versionAtLeast(server.version, version);

/** 3.0–3.1.x: a wrong password is code 401, like "not logged in". */
export const wrongPasswordIs401 = (server: ServerInfo) => isV3Before(server, '3.2.0');

/** 3.x before 3.6.0: old error codes (404 for missing paths, 40001 for wrong password) and Chinese texts. */
export const hasOldErrorCodes = (server: ServerInfo) => isV3Before(server, '3.6.0');

/** 3.x before 3.5.0: mkdir of an existing folder is 40004 instead of success. */
export const mkdirFailsOnExisting = (server: ServerInfo) => isV3Before(server, '3.5.0');

/** 3.x before 3.5.3: /aria2/url takes one URL as a string, and answers without per-URL results. */
export const addsOneUrlPerRequest = (server: ServerInfo) => isV3Before(server, '3.5.3');
