import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { BINARY_ENCODING } from 'n8n-workflow';

import type { CloudreveClient } from '../../transport/client';
import type { ConflictRule, UploadSource } from '../../transport/contract';
import { InputError, parseName } from '../../transport/paths';
import { folderParameter, optionsCollection, readFolder, readOptions, showFor } from '../common.descriptions';
import { single } from '../entries';

export const description: INodeProperties[] = [
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the input binary field that holds the file to upload',
		displayOptions: showFor('file', ['upload']),
	},
	...folderParameter({
		name: 'folder',
		displayName: 'Folder',
		description: 'Folder to upload the file into. A missing folder is created.',
		resource: 'file',
		operations: ['upload'],
	}),
	{
		displayName: 'File Name',
		name: 'fileName',
		type: 'string',
		default: '',
		placeholder: 'e.g. report.pdf',
		description: 'Name of the file in Cloudreve. Empty: the input file\'s own name.',
		displayOptions: showFor('file', ['upload']),
	},
	optionsCollection('file', ['upload'], [
		{
			displayName: 'If the File Exists',
			name: 'conflict',
			type: 'options',
			default: 'error',
			options: [
				{ name: 'Fail', value: 'error', description: 'Fail the item and leave the existing file as it is' },
				{ name: 'Replace', value: 'replace', description: 'Overwrite the existing file (4.x keeps the old content as a version)' },
				{ name: 'Skip', value: 'skip', description: 'Leave the existing file; the output says skipped: true' },
			],
		},
	]),
];

/** The binary field's bytes as an upload source: streamed from n8n's store, or decoded from the item. */
async function uploadSource(context: IExecuteFunctions, itemIndex: number, field: string): Promise<{ source: UploadSource; fileName?: string }> {
	const binary = context.helpers.assertBinaryData(itemIndex, field);
	const mimeType = binary.mimeType || 'application/octet-stream';
	if (binary.id) {
		const id = binary.id;
		const { fileSize } = await context.helpers.getBinaryMetadata(id);
		return {
			fileName: binary.fileName,
			source: {
				size: fileSize,
				mimeType,
				read: async (pieceSize) => await context.helpers.getBinaryStream(id, pieceSize),
				// Each store (file, database, S3) opens a new stream per call, of new Buffers.
				piecesAreFresh: true,
			},
		};
	}
	// No id: the bytes travel in the item itself (n8n 1.x's default in-memory mode).
	const bytes = Buffer.from(binary.data, BINARY_ENCODING);
	const pieces = async function* () {
		yield bytes;
	};
	return { fileName: binary.fileName, source: { size: bytes.length, mimeType, read: async () => pieces() } };
}

/** Upload: an upload session, then chunks by storage policy (see the transport), streamed. */
export async function execute(this: IExecuteFunctions, itemIndex: number, client: CloudreveClient): Promise<INodeExecutionData[]> {
	const field = String(this.getNodeParameter('binaryPropertyName', itemIndex)).trim() || 'data';
	const folder = readFolder(this, 'folder', 'Folder', itemIndex);
	const { conflict = 'error' } = readOptions<{ conflict: ConflictRule }>(this, itemIndex);
	const { source, fileName } = await uploadSource(this, itemIndex, field);
	const wanted = String(this.getNodeParameter('fileName', itemIndex, '') ?? '').trim();
	if (wanted === '' && !fileName) {
		throw new InputError('Invalid File Name: the input file has no name, so File Name must be set', 'Enter a File Name, e.g. report.pdf or {{ $json.title }}.pdf');
	}
	const name = parseName(wanted || fileName, 'File Name');
	const api = await client.api();
	return single(await api.upload(folder, name, source, { conflict }));
}
