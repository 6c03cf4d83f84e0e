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
import { LinkBatcher } from './batcher';
import type { TaskTracker } from './tracker';
import { Watch, linkKey, trackerOf } from './tracker';

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
				displayName: 'Items per Request',
				name: 'batchSize',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 50,
				description:
					'How many items with the same destination share one add request (Cloudreve 3.5.3+ and 4.x; older versions take one link per request). Each item still gets its own output. 1 sends every item on its own.',
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
	batchSize?: unknown;
	createDestination?: boolean;
	skipQueued?: boolean;
	waitForCompletion?: boolean;
	waitTimeout?: unknown;
}

function readItemsPerRequest(options: AddOptions): number {
	const value = options.batchSize ?? 50;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
		throw new InputError(`Invalid Items per Request: expected a whole number of at least 1, got ${JSON.stringify(value)}`);
	}
	return value;
}

const batchers = new WeakMap<CloudreveClient, LinkBatcher>();

/** The execution's batcher: one per client, and there is one client per execution. */
function batcherOf(context: IExecuteFunctions, client: CloudreveClient): LinkBatcher {
	let batcher = batchers.get(client);
	if (!batcher) {
		batcher = new LinkBatcher(async () => await client.api(), !context.continueOnFail());
		batchers.set(client, batcher);
	}
	return batcher;
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

/**
 * Links this execution's items are sending, by destination and link: with Items per Request an
 * earlier item's link may still wait for its request when a later item names it again, so the
 * task lists cannot know it yet.
 */
const linksOfExecution = new WeakMap<CloudreveClient, Map<string, Link>>();

/** Skip Links Already Queued: what is there already for each link (one read of the task lists per execution). */
async function planLinks(urls: string[], where: string, skipQueued: boolean, tracker: TaskTracker, sending: Map<string, Link>): Promise<Link[]> {
	const links: Link[] = [];
	for (const url of urls) {
		if (!skipQueued) {
			links.push({ url });
			continue;
		}
		const repeatOf = sending.get(`${where}\n${linkKey(url)}`);
		const link: Link = repeatOf ? { url, repeatOf } : { url, skipped: await tracker.existing(url, where) };
		if (repeatOf === undefined && link.skipped === undefined) sending.set(`${where}\n${linkKey(url)}`, link);
		links.push(link);
	}
	return links;
}

/**
 * Add Offline Download: POST /aria2/url (3.x) or POST /workflow/download (4.x). Items with the
 * same destination share requests (Items per Request); 3.x task ids are looked up, and waiting
 * happens, after the last item was sent (see Later, the batcher and the tracker).
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, client: CloudreveClient): Promise<INodeExecutionData[] | Later> {
	const urls = readUrls(this, itemIndex);
	const destination = readFolder(this, 'destination', 'Destination', itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as AddOptions;
	const waitMs = readWaitMs(options);
	const api = await client.api();
	const tracker = trackerOf(this, client);
	const where = formatPath(destination);

	const itemsPerRequest = readItemsPerRequest(options);
	let sending = linksOfExecution.get(client);
	if (sending === undefined) {
		sending = new Map();
		linksOfExecution.set(client, sending);
	}
	const links = await planLinks(urls, where, options.skipQueued === true, tracker, sending);
	const outgoing = links.filter((link) => link.skipped === undefined && link.repeatOf === undefined);
	const toSend = outgoing.map((link) => link.url);
	if (options.createDestination !== false && destination.length > 0 && toSend.length > 0) await client.ensureFolder(destination);

	/** What the server said of each sent link: kept, and the tasks watched (3.x ids, waiting). */
	const register = (results: UrlResult[]) => {
		outgoing.forEach((link, index) => {
			link.result = results[index];
			if (link.result.status === 'queued') link.watch = tracker.watch(link.url, where, { taskId: link.result.taskId, waitMs });
		});
		for (const link of links) {
			if (link.repeatOf !== undefined) {
				// Sent once (by this item or an earlier one): the repeat refers to that task, or fails with it.
				if (link.repeatOf.watch) link.skipped = link.repeatOf.watch;
				else link.result = link.repeatOf.result ?? { url: link.url, status: 'failed', error: 'Not added: the same link of an earlier item could not be added' };
			}
			const existing = link.skipped;
			if (existing === undefined) continue;
			// A task this execution queued: its id (3.x) and end come with it. One there before is waited for too.
			if (existing instanceof Watch) link.watch = existing;
			else if (waitMs !== undefined) link.watch = tracker.watch(link.url, where, { taskId: existing.taskId, waitMs, task: existing });
		}
	};

	const conclude = (results: UrlResult[]): INodeExecutionData[] | Later => {
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
	};

	const settleLater = async (settle: () => Promise<INodeExecutionData[] | Later>) => {
		const concluded = await settle();
		return concluded instanceof Later ? await concluded.settle() : concluded;
	};
	if (toSend.length === 0) {
		// Only links an earlier item is still sending: their results come with that item's request.
		if (links.some((link) => link.repeatOf !== undefined && link.repeatOf.result === undefined)) {
			return new Later(
				async () =>
					await settleLater(async () => {
						await batcherOf(this, client).sendQueued();
						register([]);
						return conclude([]);
					}),
			);
		}
		register([]);
		return conclude([]);
	}
	if (itemsPerRequest === 1) {
		const results = await api.addOfflineDownloads(toSend, destination).catch((error: unknown) => {
			throw explainFailure(error, toSend, destination);
		});
		register(results);
		return conclude(results);
	}
	// Combined with other items' links; sent once every item has run (see LinkBatcher).
	const resultsOfItem = batcherOf(this, client).queue(itemIndex, destination, toSend, itemsPerRequest, register);
	return new Later(
		async () =>
			await settleLater(async () =>
				conclude(
					await resultsOfItem().catch((error: unknown) => {
						throw explainFailure(error, toSend, destination);
					}),
				),
			),
	);
}
