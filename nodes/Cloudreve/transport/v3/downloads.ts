/** Cloudreve 3.x offline downloads: POST /aria2/url, one link per request before 3.5.3 (doc §5.1). */
import type { UrlResult } from '../contract';
import { failedResults, inBatchesThatFit } from '../core/batches';
import { CloudreveError, describeCode } from '../core/errors';
import type { Envelope } from '../core/http';
import { addsOneUrlPerRequest } from '../core/server';
import type { Transport } from '../core/transport';
import type { FolderPath } from '../paths';
import { formatPath } from '../paths';

/** Codes that concern one link (the downloader refused it, or the group's running-task limit). */
const LINK_SPECIFIC_CODES = new Set([-1, 40048, 40015]);

function resultFor(transport: Transport, url: string, reply: Envelope): UrlResult {
	if (reply.code === 0) return { url, status: 'queued' };
	return { url, status: 'failed', code: reply.code, error: describeCode(reply.code, transport.server, 'addDownload', reply.msg).message };
}

/** Before 3.5.3: one request per link; a network failure keeps what was already queued. */
async function addOneByOne(transport: Transport, urls: string[], dst: string): Promise<UrlResult[]> {
	const results: UrlResult[] = [];
	for (const [index, url] of urls.entries()) {
		const sent = await transport.request({ method: 'POST', path: '/aria2/url', body: { url, dst }, retry: 'ifNotSent' }).catch((error: unknown) => error as Error);
		if (sent instanceof Error) {
			// Before any link was queued the request as a whole failed; after, keep what was
			// queued and send no more to a server that just failed.
			if (results.length === 0 || !(sent instanceof CloudreveError)) throw sent;
			return [...results, ...failedResults([url], sent, true), ...failedResults(urls.slice(index + 1), sent, false)];
		}
		// A refusal that is not about this link (destination, group, no aria2 node) would
		// be the same for every link: report it once and send no more.
		if (results.length === 0 && sent.code !== 0 && !LINK_SPECIFIC_CODES.has(sent.code)) {
			throw transport.failure(sent, 'addDownload');
		}
		results.push(resultFor(transport, url, sent));
	}
	return results;
}

export async function addOfflineDownloads(transport: Transport, urls: string[], destination: FolderPath): Promise<UrlResult[]> {
	const dst = formatPath(destination);
	if (addsOneUrlPerRequest(transport.server)) return await addOneByOne(transport, urls, dst);
	return await inBatchesThatFit(urls, async (part) => {
		const reply = await transport.request({ method: 'POST', path: '/aria2/url', body: { url: part, dst }, retry: 'ifNotSent' });
		if (reply.code !== 0) throw transport.failure(reply, 'addDownload');
		// An outer code 0 says nothing: each URL has its own envelope, in order.
		const perUrl = Array.isArray(reply.data) ? (reply.data as Envelope[]) : [];
		return part.map((url, index) => resultFor(transport, url, perUrl[index] ?? { code: -1, msg: 'the server sent no result for this URL' }));
	});
}
