/**
 * Items per Request: the links of several items that go to the same destination are sent in one
 * add request (Cloudreve 3.5.3+ and 4.x take a list of links; before 3.5.3 the transport still
 * sends one link per request). Items only queue their links while the router runs them; the
 * requests go out when the first item's output is settled (see Later), in item order, each item
 * getting back exactly its own links' results.
 *
 * The rules of single requests hold per combined request: a refused request queued nothing and
 * is split by the transport (40015); a request that may have reached the server fails exactly
 * its own items; without continue-on-fail nothing is sent after a failed request, as items after
 * a failed item are not sent either.
 */
import type { CloudreveApi, UrlResult } from '../../transport/contract';
import type { FolderPath } from '../../transport/paths';
import { InputError, formatPath } from '../../transport/paths';

interface QueuedItem {
	itemIndex: number;
	urls: string[];
	/** Called with the item's results as soon as its request is answered, before any item settles. */
	onResults: (results: UrlResult[]) => void;
	outcome?: { results: UrlResult[] } | { error: unknown };
}

interface Request {
	destination: FolderPath;
	items: QueuedItem[];
}

/** Not sent because an earlier request of the execution failed (without continue-on-fail). */
function notSent(failedItem: number): InputError {
	return new InputError(
		`Not sent: item ${failedItem} failed first, and links are not sent after a failed item`,
		'Turn on "Continue" (On Error) to have the other items sent anyway, or fix the failed item and run again.',
	);
}

export class LinkBatcher {
	private readonly requests: Request[] = [];

	private readonly open = new Map<string, Request>();

	private sending?: Promise<void>;

	constructor(
		private readonly api: () => Promise<CloudreveApi>,
		private readonly stopAfterFailure: boolean,
	) {}

	/**
	 * Queues an item's links for `destination`, in a request with at most `itemsPerRequest` items.
	 * Returns what settles the item: its results, or the error of its request.
	 */
	queue(itemIndex: number, destination: FolderPath, urls: string[], itemsPerRequest: number, onResults: QueuedItem['onResults']): () => Promise<UrlResult[]> {
		const key = formatPath(destination);
		let request = this.open.get(key);
		if (request === undefined || request.items.length >= itemsPerRequest) {
			request = { destination, items: [] };
			this.requests.push(request);
			this.open.set(key, request);
		}
		const item: QueuedItem = { itemIndex, urls, onResults };
		request.items.push(item);
		return async () => {
			await this.sendQueued();
			const outcome = item.outcome!;
			if ('error' in outcome) throw outcome.error;
			return outcome.results;
		};
	}

	/** Sends every queued request (once; later calls wait for the same sending). */
	async sendQueued(): Promise<void> {
		this.sending ??= this.sendAll();
		await this.sending;
	}

	private async sendAll(): Promise<void> {
		const api = await this.api();
		let failedItem: number | undefined;
		for (const request of this.requests) {
			if (failedItem !== undefined) {
				for (const item of request.items) item.outcome = { error: notSent(failedItem) };
				continue;
			}
			const urls = request.items.flatMap((item) => item.urls);
			const results = await api.addOfflineDownloads(urls, request.destination).catch((error: unknown) => error);
			if (!Array.isArray(results)) {
				for (const item of request.items) item.outcome = { error: results };
				if (this.stopAfterFailure) failedItem = request.items[0].itemIndex;
				continue;
			}
			let offset = 0;
			for (const item of request.items) {
				const own = (results as UrlResult[]).slice(offset, offset + item.urls.length);
				offset += item.urls.length;
				item.outcome = { results: own };
				item.onResults(own);
				if (this.stopAfterFailure && failedItem === undefined && own.some((result) => result.status === 'failed')) failedItem = item.itemIndex;
			}
		}
	}
}
