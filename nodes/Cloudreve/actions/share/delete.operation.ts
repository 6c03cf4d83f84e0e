import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { CloudreveClient } from '../../transport/client';
import { describeValue, InputError } from '../../transport/paths';
import { optionsCollection, showFor } from '../common.descriptions';
import { single } from '../entries';

export const description: INodeProperties[] = [
	{
		displayName: 'Share ID',
		name: 'shareId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 8Gh3',
		description: 'The ID that Share → Create or Get Many output. A share link (https://…/s/8Gh3) works too.',
		displayOptions: showFor('share', ['delete']),
	},
	optionsCollection('share', ['delete']),
];

/** The id of a share from an id or a link ".../s/<id>[/<password>]"; the rest of a link is never quoted. */
export function parseShareId(value: unknown): string {
	if (typeof value !== 'string' && typeof value !== 'number') throw new InputError(`Invalid Share ID: expected an id, got ${describeValue(value)}`);
	const text = String(value).trim();
	if (text === '') throw new InputError('Invalid Share ID: the id is empty', 'Use the "id" that Share → Create or Get Many output, e.g. {{ $json.id }}.');
	const fromLink = /^https?:\/\/[^/]+(?:\/[^?#]*)?\/s\/([^/?#]+)/i.exec(text);
	if (fromLink) {
		try {
			return decodeURIComponent(fromLink[1]);
		} catch {
			return fromLink[1];
		}
	}
	if (/[/?#\s]/.test(text)) {
		throw new InputError('Invalid Share ID: expected an id such as 8Gh3 or a share link', 'Use the "id" that Share → Create or Get Many output, e.g. {{ $json.id }}.');
	}
	return text;
}

/** Delete: DELETE /share/<id> on both generations. */
export async function execute(this: IExecuteFunctions, itemIndex: number, client: CloudreveClient): Promise<INodeExecutionData[]> {
	const id = parseShareId(this.getNodeParameter('shareId', itemIndex));
	const api = await client.api();
	await api.deleteShare(id);
	return single({ id, deleted: true });
}
