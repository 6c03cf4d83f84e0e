/** Cloudreve 3.x account: storage use from GET /user/storage → {used, free, total} in bytes (wave2 §7.2). */
import type { IDataObject } from 'n8n-workflow';

import type { StorageUse } from '../contract';
import type { Transport } from '../core/transport';

export async function getStorage(transport: Transport): Promise<StorageUse> {
	const reply = await transport.request({ method: 'GET', path: '/user/storage' });
	if (reply.code !== 0) throw transport.failure(reply, 'request');
	const data = (reply.data ?? {}) as IDataObject;
	const used = Number(data.used ?? 0) || 0;
	const total = Number(data.total ?? 0) || 0;
	// The server clamps free at 0 too; computed here so that both generations agree.
	return { used, total, free: Math.max(0, total - used) };
}
