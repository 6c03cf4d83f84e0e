/**
 * Folder paths as users write them ("/番剧/2026/春") and as each generation wants them: a plain
 * absolute path on 3.x, a cloudreve://my URI with every segment percent-encoded on 4.x, so that a
 * "?" or "#" in a name can never turn into a query or fragment (doc §7).
 */
import { ApplicationError } from 'n8n-workflow';

/** Bad input, found before any request: the node reports it against the item and the field. */
export class InputError extends ApplicationError {
	readonly description?: string;

	constructor(message: string, description?: string) {
		super(message, { level: 'warning' });
		this.name = 'InputError';
		this.description = description;
	}
}

/** A folder as a list of names; [] is the root. */
export type FolderPath = string[];

const ILLEGAL_CHARACTERS = /[\\/:*?"<>|]/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
const MAX_NAME_BYTES = 255;

function utf8Length(text: string): number {
	return new TextEncoder().encode(text).length;
}

/** How a wrong value from an expression is named in messages: "the number 42", "null", "a list". */
export function describeValue(value: unknown): string {
	if (value === null || value === undefined) return String(value);
	if (Array.isArray(value)) return 'a list';
	return typeof value === 'object' ? 'an object' : `the ${typeof value} ${String(value)}`;
}

function checkName(name: string, noun = 'folder name'): void {
	if (name === '.' || name === '..') {
		throw new InputError(`the segment "${name}" is not allowed`, 'Write the full path from the root without "." or "..", e.g. /Downloads/2026.');
	}
	const illegal = ILLEGAL_CHARACTERS.exec(name);
	if (illegal) {
		throw new InputError(
			`the ${noun} "${name}" contains "${illegal[0]}", which Cloudreve does not allow`,
			`${noun === 'folder name' ? 'Folder names' : 'Names'} must not contain \\ / : * ? " < > |. Replace the character, e.g. with an expression such as {{ $json.title.replace(/[\\\\/:*?"<>|]/g, "_") }}.`,
		);
	}
	if (CONTROL_CHARACTERS.test(name)) {
		throw new InputError(`the ${noun} "${JSON.stringify(name).slice(1, -1)}" contains a control character (such as a line break)`);
	}
	const bytes = utf8Length(name);
	if (bytes > MAX_NAME_BYTES) {
		throw new InputError(
			`the ${noun} "${name.slice(0, 40)}…" is ${bytes} bytes long; Cloudreve allows at most ${MAX_NAME_BYTES} bytes per name`,
			'Shorten the name. In UTF-8 a CJK character takes 3 bytes, so about 85 of them fit.',
		);
	}
	if (/\s$/.test(name)) {
		throw new InputError(`the ${noun} "${name}" ends with a space`, 'Cloudreve 3.x strips trailing spaces from new folders and then cannot find them again. Remove the space.');
	}
}

/**
 * Parses an absolute folder path. Surrounding whitespace, repeated and trailing slashes are
 * tolerated; relative paths, "." and "..", illegal characters and over-long names are errors.
 */
export function parseFolderPath(value: unknown, field: string): FolderPath {
	try {
		return parse(value);
	} catch (error) {
		throw prefixed(error, field);
	}
}

function prefixed(error: unknown, field: string): unknown {
	return error instanceof InputError ? new InputError(`Invalid ${field}: ${error.message}`, error.description) : error;
}

function parse(value: unknown): FolderPath {
	if (typeof value !== 'string') {
		throw new InputError(`expected a folder path such as /Downloads, got ${describeValue(value)}`);
	}
	const text = value.trim();
	if (text === '') {
		throw new InputError('the path is empty', 'Enter an absolute folder path such as /Downloads/2026 ("/" is the root).');
	}
	if (!text.startsWith('/')) {
		throw new InputError(`"${text}" is not an absolute path`, `Folder paths start at the root with "/", e.g. /${text}`);
	}
	const names = text.split('/').filter((name) => name !== '');
	names.forEach((name) => checkName(name));
	return names;
}

/** "/a/b"; the root is "/". This is also what the node outputs. */
export function formatPath(folder: FolderPath): string {
	return `/${folder.join('/')}`;
}

/** The 4.x File URI of a folder in the user's own drive. */
export function toFileUri(folder: FolderPath): string {
	return `cloudreve://my${folder.map((name) => `/${encodeURIComponent(name)}`).join('')}`;
}

/**
 * Parses the absolute path of a file or folder that must exist (not the root): "/a/b.txt" →
 * ["a", "b.txt"]. Same tolerance and checks as folder paths.
 */
export function parseEntryPath(value: unknown, field: string): FolderPath {
	const names = parseFolderPath(value, field);
	if (names.length === 0) {
		throw new InputError(`Invalid ${field}: the root folder "/" cannot be used here`, 'Enter the path of a file or folder below the root, e.g. /Downloads/report.pdf.');
	}
	return names;
}

/** A single file or folder name (Rename's New Name, Upload's File Name). */
export function parseName(value: unknown, field: string): string {
	if (typeof value !== 'string') throw new InputError(`Invalid ${field}: expected a name, got ${describeValue(value)}`);
	const name = value.trim();
	if (name === '') throw new InputError(`Invalid ${field}: the name is empty`);
	try {
		checkName(name, 'name');
	} catch (error) {
		throw prefixed(error, field);
	}
	return name;
}

/** The folder that holds `path`, and the entry's own name. */
export function splitPath(path: FolderPath): { parent: FolderPath; name: string } {
	return { parent: path.slice(0, -1), name: path[path.length - 1] ?? '' };
}
