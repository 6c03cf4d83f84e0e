/** Cloudreve 3.x: /api/v3, plain paths, payloads that changed at 3.5.0 and 3.5.3 (doc §4.1, §5.1). */
import type { CloudreveApi, CloudreveClient } from './client';
import type { CreatedFolder, UrlResult } from './results';
import { failedResults } from './results';
import { CloudreveError, describeCode } from './errors';
import type { Envelope, ServerInfo } from './protocol';
import type { FolderPath } from './paths';
import { formatPath } from './paths';
import { addsOneUrlPerRequest, mkdirFailsOnExisting } from './versions';

/** Codes that concern one link (the downloader refused it, or the group's running-task limit). */
const LINK_SPECIFIC_CODES = new Set([-1, 40048, 40015]);

export class V3Api implements CloudreveApi {
	constructor(
		private readonly client: CloudreveClient,
		private readonly server: ServerInfo,
	) {}

	/** GET /directory/<path>: 0 for a folder; a missing path or a file is 40016 (404 before 3.6). */
	private async folderExists(folder: FolderPath): Promise<boolean> {
		const reply = await this.client.request('GET', `/directory${folder.map((name) => `/${encodeURIComponent(name)}`).join('') || '/'}`);
		if (reply.code === 0) return true;
		if (reply.code === 40016 || reply.code === 404) return false;
		throw await this.client.failure(reply, 'request');
	}

	private async alreadyExists(folder: FolderPath): Promise<CloudreveError> {
		return await this.client.failure({ code: 40004, msg: `${formatPath(folder)} already exists` }, 'createFolder');
	}

	async createFolder(folder: FolderPath, { errorIfExists }: { errorIfExists: boolean }): Promise<CreatedFolder> {
		const path = formatPath(folder);
		// The root always exists; 3.0–3.4 answer "root protected" when asked to create it.
		if (folder.length === 0) {
			if (errorIfExists) throw await this.alreadyExists(folder);
			return { path };
		}
		// From 3.5.0 mkdir succeeds on an existing folder, so only a look tells whether it existed.
		if (errorIfExists && !mkdirFailsOnExisting(this.server) && (await this.folderExists(folder))) {
			throw await this.alreadyExists(folder);
		}
		const reply = await this.client.request('PUT', '/directory', { path });
		if (reply.code === 0) return { path };
		// Before 3.5.0, 40004 is also the answer for an existing folder; a file of that name is an error.
		if (reply.code === 40004 && mkdirFailsOnExisting(this.server) && !errorIfExists && (await this.folderExists(folder))) {
			return { path };
		}
		throw await this.client.failure(reply, 'createFolder');
	}

	async addOfflineDownloads(urls: string[], destination: FolderPath): Promise<UrlResult[]> {
		const dst = formatPath(destination);
		if (addsOneUrlPerRequest(this.server)) {
			const results: UrlResult[] = [];
			for (const [index, url] of urls.entries()) {
				const sent = await this.client.request('POST', '/aria2/url', { url, dst }, 'ifNotSent').catch((error: unknown) => error as Error);
				if (sent instanceof Error) {
					// Before any link was queued the request as a whole failed; after, keep what was
					// queued and send no more to a server that just failed.
					if (results.length === 0 || !(sent instanceof CloudreveError)) throw sent;
					return [...results, ...failedResults([url], sent, true), ...failedResults(urls.slice(index + 1), sent, false)];
				}
				// A refusal that is not about this link (destination, group, no aria2 node) would
				// be the same for every link: report it once and send no more.
				if (results.length === 0 && sent.code !== 0 && !LINK_SPECIFIC_CODES.has(sent.code)) {
					throw await this.client.failure(sent, 'addDownload');
				}
				results.push(this.resultFor(url, sent));
			}
			return results;
		}
		return await this.client.inBatchesThatFit(urls, async (part) => {
			const reply = await this.client.request('POST', '/aria2/url', { url: part, dst }, 'ifNotSent');
			if (reply.code !== 0) throw await this.client.failure(reply, 'addDownload');
			// An outer code 0 says nothing: each URL has its own envelope, in order.
			const perUrl = Array.isArray(reply.data) ? (reply.data as Envelope[]) : [];
			return part.map((url, index) => this.resultFor(url, perUrl[index] ?? { code: -1, msg: 'the server sent no result for this URL' }));
		});
	}

	private resultFor(url: string, reply: Envelope): UrlResult {
		if (reply.code === 0) return { url, status: 'queued' };
		return { url, status: 'failed', code: reply.code, error: describeCode(reply.code, this.server, 'addDownload', reply.msg).message };
	}
}
