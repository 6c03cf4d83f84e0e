import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { CloudreveClient } from '../../transport/client';
import type { Task, UrlResult } from '../../transport/contract';
import { CloudreveError } from '../../transport/contract';
import type { FolderPath } from '../../transport/paths';
import { InputError, formatPath } from '../../transport/paths';
import { folderParameter, readFolder, timeoutOption } from '../common.descriptions';
import { single } from '../entries';
import { Later } from '../later';
import { readUrls } from '../parameters';
import type { TaskTracker } from './tracker';
import { Watch, trackerOf } from './tracker';

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
			{
				displayName: 'Skip Links Already Queued',
				name: 'skipQueued',
				type: 'boolean',
				default: false,
				description:
					'Whether to leave out links that are already downloading or downloaded into the same destination (failed and canceled ones are sent again). Their task is output with "skipped": true. The task lists are read once per execution.',
			},
			timeoutOption,
			{
				displayName: 'Wait for Completion',
				name: 'waitForCompletion',
				type: 'boolean',
				default: false,
				description:
					'Whether to wait until the downloads have ended (completed, failed or canceled) and output each task in its final state. One task-list request per poll serves every item of the execution.',
			},
			{
				displayName: 'Wait Timeout',
				name: 'waitTimeout',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 3600,
				displayOptions: { show: { waitForCompletion: [true] } },
				description: 'Seconds to wait at most. Tasks still running then are output as last seen, with "timedOut": true; they keep running in Cloudreve.',
			},
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

interface AddOptions {
	createDestination?: boolean;
	skipQueued?: boolean;
	waitForCompletion?: boolean;
	waitTimeout?: unknown;
}

function readWaitMs(options: AddOptions): number | undefined {
	if (options.waitForCompletion !== true) return undefined;
	const seconds = options.waitTimeout ?? 3600;
	if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
		throw new InputError(`Invalid Wait Timeout: expected a number of seconds above 0, got ${JSON.stringify(seconds)}`);
	}
	return Math.round(seconds * 1000);
}

/** One link of the item: sent (with what the server said), or skipped for a task already there. */
interface Link {
	url: string;
	result?: UrlResult;
	/** Skip Links Already Queued: the task there before, or the one an earlier link of this execution queued. */
	skipped?: Task | Watch;
	/** The same link earlier in this item (with Skip Links Already Queued). */
	repeatOf?: Link;
	watch?: Watch;
}

function taskOutput(link: Link, waiting: boolean): Record<string, unknown> {
	if (link.skipped !== undefined) {
		const existing = link.skipped instanceof Watch ? link.skipped.output() : { ...link.skipped };
		return { ...existing, ...(link.watch ? link.watch.output() : {}), skipped: true };
	}
	const result = link.result!;
	if (result.status === 'failed' || link.watch === undefined) return { ...result };
	if (waiting) return link.watch.output();
	// Without waiting the task keeps the add's shape, with the id found (or why not).
	const found = link.watch.output();
	return { ...result, taskId: link.watch.taskId ?? null, ...(found.note !== undefined ? { note: found.note } : {}) };
}

/** Skip Links Already Queued: what is there already for each link (one read of the task lists per execution). */
async function planLinks(urls: string[], where: string, skipQueued: boolean, tracker: TaskTracker): Promise<Link[]> {
	const links: Link[] = [];
	for (const url of urls) {
		if (!skipQueued) {
			links.push({ url });
			continue;
		}
		const repeatOf = links.find((link) => link.url === url && link.skipped === undefined && link.repeatOf === undefined);
		links.push(repeatOf ? { url, repeatOf } : { url, skipped: await tracker.existing(url, where) });
	}
	return links;
}

/**
 * Add Offline Download: POST /aria2/url (3.x) or POST /workflow/download (4.x). 3.x task ids are
 * looked up, and waiting happens, after the last item was sent (see Later and the tracker).
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, client: CloudreveClient): Promise<INodeExecutionData[] | Later> {
	const urls = readUrls(this, itemIndex);
	const destination = readFolder(this, 'destination', 'Destination', itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as AddOptions;
	const waitMs = readWaitMs(options);
	const api = await client.api();
	const tracker = trackerOf(this, client);
	const where = formatPath(destination);

	const links = await planLinks(urls, where, options.skipQueued === true, tracker);
	const outgoing = links.filter((link) => link.skipped === undefined && link.repeatOf === undefined);
	const toSend = outgoing.map((link) => link.url);
	if (options.createDestination !== false && destination.length > 0 && toSend.length > 0) await client.ensureFolder(destination);
	const results =
		toSend.length === 0
			? []
			: await api.addOfflineDownloads(toSend, destination).catch((error: unknown) => {
					throw explainFailure(error, toSend, destination);
				});
	outgoing.forEach((link, index) => {
		link.result = results[index];
		if (link.result.status === 'queued') link.watch = tracker.watch(link.url, where, { taskId: link.result.taskId, waitMs });
	});
	for (const link of links) {
		if (link.repeatOf !== undefined) {
			// Sent once above: the repeat refers to that task, or fails with it.
			if (link.repeatOf.watch) link.skipped = link.repeatOf.watch;
			else link.result = link.repeatOf.result;
		}
		const existing = link.skipped;
		if (existing === undefined) continue;
		// A task this execution queued: its id (3.x) and end come with it. One there before is waited for too.
		if (existing instanceof Watch) link.watch = existing;
		else if (waitMs !== undefined) link.watch = tracker.watch(link.url, where, { taskId: existing.taskId, waitMs, task: existing });
	}

	const failed = results.filter((result) => result.status === 'failed');
	const finish = (): INodeExecutionData[] => {
		const result = { destination: where, tasks: links.map((link) => taskOutput(link, waitMs !== undefined)) };
		if (failed.length > 0) {
			throw new CloudreveError(`${failed.length} of ${results.length} links could not be added: ${failedLinks(results)}`, {
				kind: 'api',
				cloudreveCode: failed[0].code,
				description: failed.length < results.length ? 'The other links were queued; see "tasks" in the output before retrying, so that nothing is downloaded twice.' : undefined,
				details: result,
			});
		}
		return single(result);
	};
	const watches = links.flatMap((link) => (link.watch && !link.watch.done ? [link.watch] : []));
	// Without continue-on-fail a failed item stops the execution now: the items after it are not sent.
	if (watches.length === 0 || (failed.length > 0 && !this.continueOnFail())) return finish();
	return new Later(async () => {
		await tracker.settle(watches);
		return finish();
	});
}
