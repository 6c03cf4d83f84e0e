/**
 * Cloudreve 4.x downloads: POST /file/url hands out a signed URL, which is then read as a stream
 * without the session (wave2 §3.2; the checks on what comes back are in core/files).
 */
import type { IDataObject } from 'n8n-workflow';

import type { Entry, FileDownload } from '../contract';
import { CloudreveError } from '../core/errors';
import { openSignedFile } from '../core/files';
import type { Transport } from '../core/transport';
import { uriOfEntry } from './entries';
import { batchFailure } from './failures';

/** The first URL of the reply: objects {url} since 4.0.0-beta.11, plain strings before (wave2 §3.2). */
function firstUrl(data: unknown): string | undefined {
	const urls = (data as IDataObject | undefined)?.urls;
	const first: unknown = Array.isArray(urls) ? urls[0] : undefined;
	if (typeof first === 'string') return first;
	const url = (first as IDataObject | undefined)?.url;
	return typeof url === 'string' && url !== '' ? url : undefined;
}

export async function downloadFile(transport: Transport, file: Entry): Promise<FileDownload> {
	const reply = await transport.request({ method: 'POST', path: '/file/url', body: { uris: [uriOfEntry(file)], download: true } });
	if (reply.code !== 0) throw batchFailure(transport, reply, 'download');
	const url = firstUrl(reply.data);
	if (url === undefined) {
		throw new CloudreveError(`Cloudreve gave no download URL for ${file.path}`, {
			description: 'The reply held no URL. Please report it with the server version.',
			kind: 'api',
		});
	}
	return await openSignedFile(transport, url, file);
}
