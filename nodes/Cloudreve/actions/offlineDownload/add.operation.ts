import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { CloudreveClient } from '../../transport/client';
import type { UrlResult } from '../../transport/contract';
import { CloudreveError } from '../../transport/contract';
import type { FolderPath } from '../../transport/paths';
import { formatPath } from '../../transport/paths';
import { folderParameter, readFolder, timeoutOption } from '../common.descriptions';
import { single } from '../entries';
import { readUrls } from '../parameters';

const showOnlyForAdd = { show: { resource: ['offlineDownload'], operation: ['add'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'URLs',
		name: 'urls',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		placeholder: 'e.g. https://example.com/file.iso',
		description: 'Links for the server to download: http, https, ftp or magnet, one per line. An expression may also return a list.',
		displayOptions: showOnlyForAdd,
	},
	...folderParameter({
		name: 'destination',
		displayName: 'Destination',
		description: 'Absolute path of the folder the files go to',
		resource: 'offlineDownload',
		operations: ['add'],
	}),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: showOnlyForAdd,
		options: [
			{
				displayName: 'Create Destination',
				name: 'createDestination',
				type: 'boolean',
				default: true,
				description: 'Whether to create the destination folder (and its parents) when it does not exist',
			},
			timeoutOption,
		],
	},
];

function failedLinks(results: UrlResult[]): string {
	return results
		.filter((result) => result.status === 'failed')
		.map((result) => `${result.url} (${result.error})`)
		.join('; ');
}

/** What a failed add request means for the item's links. */
function explainFailure(error: unknown, urls: string[], destination: FolderPath): unknown {
	if (!(error instanceof CloudreveError)) return error;
	if (error.kind === 'api') {
		// The whole request was refused: no link was added.
		error.details = {
			destination: formatPath(destination),
			tasks: urls.map((url) => ({ url, status: 'failed', code: error.cloudreveCode, error: error.message })),
		};
	} else if (!error.notSent && error.kind !== 'config') {
		// Never sent twice: a duplicate download is worse than an error.
		error.description = `${error.description ?? ''} The links may or may not have been added: check the offline downloads in Cloudreve before running this item again.`.trim();
	}
	return error;
}

/** Add Offline Download: POST /aria2/url (3.x) or POST /workflow/download (4.x). */
export async function execute(this: IExecuteFunctions, itemIndex: number, client: CloudreveClient): Promise<INodeExecutionData[]> {
	const urls = readUrls(this, itemIndex);
	const destination = readFolder(this, 'destination', 'Destination', itemIndex);
	const { createDestination = true } = this.getNodeParameter('options', itemIndex, {}) as { createDestination?: boolean };
	const api = await client.api();
	if (createDestination && destination.length > 0) await client.ensureFolder(destination);

	const tasks = await api.addOfflineDownloads(urls, destination).catch((error: unknown) => {
		throw explainFailure(error, urls, destination);
	});

	const result = { destination: formatPath(destination), tasks };
	const failed = tasks.filter((task) => task.status === 'failed');
	if (failed.length > 0) {
		throw new CloudreveError(`${failed.length} of ${tasks.length} links could not be added: ${failedLinks(tasks)}`, {
			kind: 'api',
			cloudreveCode: failed[0].code,
			description: failed.length < tasks.length ? 'The other links were queued; see "tasks" in the output before retrying, so that nothing is downloaded twice.' : undefined,
			details: result,
		});
	}
	return single(result);
}
