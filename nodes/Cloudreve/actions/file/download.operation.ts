import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { CloudreveClient } from '../../transport/client';
import { optionsCollection, pathParameter, showFor } from '../common.descriptions';
import { findEntry } from '../entries';

export const description: INodeProperties[] = [
	pathParameter('file', ['download'], 'file'),
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the output binary field to put the file in',
		displayOptions: showFor('file', ['download']),
	},
	optionsCollection('file', ['download']),
];

/** Generic types that say nothing: n8n then tells the type from the file name. */
const UNSPECIFIC_TYPES = new Set(['application/octet-stream', 'binary/octet-stream', 'application/force-download']);

/**
 * Download: a signed URL from PUT /file/download/<id> (3.x) or POST /file/url (4.x), streamed
 * into n8n's binary store (to disk in filesystem mode), never held whole in memory by the node.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, client: CloudreveClient): Promise<INodeExecutionData[]> {
	const field = String(this.getNodeParameter('binaryPropertyName', itemIndex)).trim() || 'data';
	const { api, entry } = await findEntry(this, itemIndex, client, 'file');
	const file = await api.download(entry);
	const mimeType = file.mimeType && !UNSPECIFIC_TYPES.has(file.mimeType) ? file.mimeType : undefined;
	// prepareBinaryData takes a Buffer or a readable stream; the body is the response stream.
	const binary = await this.helpers.prepareBinaryData(file.body as unknown as Buffer, entry.name, mimeType);
	binary.fileName = entry.name;
	return [{ json: { path: entry.path, name: entry.name, size: entry.size }, binary: { [field]: binary } }];
}
