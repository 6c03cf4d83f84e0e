/**
 * Cloudreve 4.x direct ("source") links: PUT /file/source {uris} → [{link, file_url}] (wave2 §5.3).
 * A group without the permission answers 40007; a per-file refusal (folder 40077, not the owner
 * 40082, missing 40016) comes as 40081 with the reason inside.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Entry } from '../contract';
import { CloudreveError } from '../core/errors';
import type { Transport } from '../core/transport';
import { uriOfEntry } from './entries';
import { batchFailure } from './failures';

/** The link as given, made absolute should a server hand out a path ("/f/<id>/<name>"). */
function absolute(transport: Transport, link: string): string {
	if (/^https?:\/\//i.test(link)) return link;
	return `${new URL(transport.serverUrl).origin}${link.startsWith('/') ? '' : '/'}${link}`;
}

export async function getDirectLink(transport: Transport, file: Entry): Promise<string> {
	const reply = await transport.request({ method: 'PUT', path: '/file/source', body: { uris: [uriOfEntry(file)] } });
	if (reply.code !== 0) throw batchFailure(transport, reply, 'directLink');
	const links = Array.isArray(reply.data) ? (reply.data as IDataObject[]) : [];
	const link = links[0]?.link;
	if (typeof link !== 'string' || link === '') {
		throw new CloudreveError(`Cloudreve created no direct link for ${file.path}`, {
			description: 'The reply held no link. Please report it with the server version.',
			kind: 'api',
		});
	}
	return absolute(transport, link);
}
