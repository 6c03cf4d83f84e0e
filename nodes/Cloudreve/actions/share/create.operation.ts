import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { CloudreveClient } from '../../transport/client';
import type { ShareOptions } from '../../transport/contract';
import { describeValue, InputError } from '../../transport/paths';
import { optionsCollection, readOptions, showFor } from '../common.descriptions';
import { findEntry, single } from '../entries';

export const description: INodeProperties[] = [
	{
		displayName: 'Path',
		name: 'path',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. /Downloads/report.pdf',
		description: 'Absolute path of the file or folder to share',
		displayOptions: showFor('share', ['create']),
	},
	optionsCollection('share', ['create'], [
		{
			displayName: 'Allow Preview',
			name: 'allowPreview',
			type: 'boolean',
			default: true,
			description: 'Whether visitors may preview files in the browser (Cloudreve 3.x; 4.x always allows it)',
		},
		{
			displayName: 'Download Limit',
			name: 'downloadLimit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 10,
			description: 'How many downloads the link allows before it stops working. On Cloudreve 3.x it is needed for Expires In to apply.',
		},
		{
			displayName: 'Expires In',
			name: 'expiresIn',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 86400,
			description: 'Seconds from now until the link stops working (86400 = one day). On Cloudreve 3.x it applies only together with a Download Limit.',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Password visitors must enter. Cloudreve 4.x: letters and digits only, at most 32, and it becomes part of the link.',
		},
	]),
];

function positiveInteger(value: unknown, field: string): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof number !== 'number' || !Number.isInteger(number) || number < 1) {
		throw new InputError(`Invalid ${field}: expected a whole number of at least 1, got ${describeValue(value)}`);
	}
	return number;
}

/** The item's options in domain terms. The password is checked without ever being quoted. */
function readShareOptions(context: IExecuteFunctions, itemIndex: number): ShareOptions {
	const options = readOptions<IDataObject>(context, itemIndex);
	const { password } = options;
	if (password !== undefined && typeof password !== 'string') {
		throw new InputError(`Invalid Password: expected text, got ${password === null ? 'null' : `a ${typeof password}`}`);
	}
	return {
		password: password === undefined || password === '' ? undefined : password,
		expiresIn: positiveInteger(options.expiresIn, 'Expires In'),
		downloadLimit: positiveInteger(options.downloadLimit, 'Download Limit'),
		allowPreview: options.allowPreview !== false,
	};
}

/** Create: POST /share (3.x) or PUT /share (4.x) for the entry at Path. */
export async function execute(this: IExecuteFunctions, itemIndex: number, client: CloudreveClient): Promise<INodeExecutionData[]> {
	const options = readShareOptions(this, itemIndex);
	const { api, entry } = await findEntry(this, itemIndex, client, 'any');
	return single(await api.createShare(entry, options));
}
