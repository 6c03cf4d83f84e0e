/** Reading parameters that may come from a previous node's data, with errors that name the field. */
import type { IExecuteFunctions } from 'n8n-workflow';

import type { FolderPath } from '../transport/paths';
import { InputError, describeValue, parseFolderPath } from '../transport/paths';

export function readFolderPath(context: IExecuteFunctions, name: string, displayName: string, itemIndex: number): FolderPath {
	return parseFolderPath(context.getNodeParameter(name, itemIndex), displayName);
}

const SCHEMES = new Set(['http:', 'https:', 'ftp:']);

function parseUrl(text: string): URL | undefined {
	try {
		return new URL(text);
	} catch {
		return undefined;
	}
}

function checkLink(link: string): void {
	if (/^magnet:\?/i.test(link)) return;
	const url = parseUrl(link);
	if (url === undefined || !SCHEMES.has(url.protocol) || url.hostname === '') {
		throw new InputError(
			`Invalid URLs: "${link.length > 200 ? `${link.slice(0, 200)}…` : link}" is not an http, https, ftp or magnet link`,
			'Give one link per line, each starting with http://, https://, ftp:// or magnet:?',
		);
	}
}

/**
 * The links of one item: text with one link per line, or a list from an expression
 * (e.g. {{ $json.enclosures.map(e => e.url) }}). Every link is checked before anything is sent.
 */
export function readUrls(context: IExecuteFunctions, itemIndex: number): string[] {
	const value = context.getNodeParameter('urls', itemIndex) as unknown;
	let lines: string[];
	if (typeof value === 'string') {
		lines = value.split(/\r?\n/);
	} else if (Array.isArray(value)) {
		lines = value.flatMap((entry, position) => {
			if (typeof entry !== 'string') {
				throw new InputError(
					`Invalid URLs: entry ${position} of the list is ${describeValue(entry)}, not a link`,
					'When URLs is an expression that returns a list, every entry must be a link as text.',
				);
			}
			return entry.split(/\r?\n/);
		});
	} else {
		throw new InputError(`Invalid URLs: expected links as text or a list, got ${describeValue(value)}`, 'Map URLs to a field that holds a link, e.g. {{ $json.link }}.');
	}
	const links = lines.map((line) => line.trim()).filter((line) => line !== '');
	if (links.length === 0) {
		throw new InputError('Invalid URLs: no link given', 'Enter at least one link, or map URLs to a field that holds one, e.g. {{ $json.link }}.');
	}
	links.forEach(checkLink);
	return links;
}
