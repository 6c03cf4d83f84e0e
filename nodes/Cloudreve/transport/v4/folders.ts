/** Cloudreve 4.x folders: POST /file/create with type "folder" (doc §4.2). */
import type { IDataObject } from 'n8n-workflow';

import type { CreatedFolder } from '../contract';
import type { Transport } from '../core/transport';
import type { FolderPath } from '../paths';
import { formatPath, toFileUri } from '../paths';

export async function createFolder(transport: Transport, folder: FolderPath, { errorIfExists }: { errorIfExists: boolean }): Promise<CreatedFolder> {
	const reply = await transport.request({ method: 'POST', path: '/file/create', body: { uri: toFileUri(folder), type: 'folder', err_on_conflict: errorIfExists } });
	if (reply.code !== 0) throw transport.failure(reply, 'createFolder');
	const file = (reply.data ?? {}) as IDataObject;
	return {
		path: formatPath(folder),
		id: typeof file.id === 'string' ? file.id : undefined,
		uri: typeof file.path === 'string' ? file.path : toFileUri(folder),
		name: typeof file.name === 'string' ? file.name : undefined,
	};
}
