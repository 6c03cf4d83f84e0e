/**
 * Cloudreve 3.x direct ("source") links: POST /file/source {items} from 3.5.3 (per-file errors
 * inside an outer code 0), GET /file/source/<id> before. Local-storage links come back relative
 * to the site (wave2 §5.3).
 */
import type { IDataObject } from 'n8n-workflow';

import type { Entry } from '../contract';
import { CloudreveError } from '../core/errors';
import { versionAtLeast } from '../core/server';
import type { Transport } from '../core/transport';

/** A relative link is below the server's own address (which may have a sub-path). */
export function absoluteUrl(transport: Transport, url: string): string {
	if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
	return `${transport.serverUrl}${url.startsWith('/') ? '' : '/'}${url}`;
}

export async function getDirectLink(transport: Transport, file: Entry): Promise<string> {
	if (!versionAtLeast(transport.server.version, '3.5.3')) {
		const reply = await transport.request({ method: 'GET', path: `/file/source/${encodeURIComponent(file.id)}` });
		if (reply.code !== 0) throw transport.failure(reply, 'directLink');
		return absoluteUrl(transport, String(((reply.data ?? {}) as IDataObject).url ?? ''));
	}
	const reply = await transport.request({ method: 'POST', path: '/file/source', body: { items: [file.id] } });
	if (reply.code !== 0) throw transport.failure(reply, 'directLink');
	const [link] = (Array.isArray(reply.data) ? reply.data : []) as IDataObject[];
	if (link === undefined || (typeof link.error === 'string' && link.error !== '') || typeof link.url !== 'string' || link.url === '') {
		const reason = typeof link?.error === 'string' && link.error !== '' ? `: ${link.error}` : '';
		throw new CloudreveError(`Cloudreve gave no direct link for ${file.path}${reason}`, {
			kind: 'api',
			description: 'The storage policy of this file may have direct (source) links turned off: an admin can allow them in the Cloudreve dashboard (Storage policies → the policy → "Allow getting source link").',
		});
	}
	return absoluteUrl(transport, link.url);
}
