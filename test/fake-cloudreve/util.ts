/** Small helpers the fake server's modules share. */

export function versionAtLeast(version: string, minimum: string): boolean {
	const parse = (v: string) => v.split(/[.-]/).slice(0, 3).map((p) => parseInt(p, 10) || 0);
	const a = parse(version);
	const b = parse(minimum);
	for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
	return true;
}

/** Characters Cloudreve refuses in object names. */
export const ILLEGAL_NAME = /[\\/:*?"<>|]/;
