/**
 * Cloudreve 3.x share links (wave2 §5.1; the same bodies from 3.0 to 3.8.3):
 * POST /share answers the link ("<site URL>/s/<key>", no password in it), GET /share lists 18 a
 * page by page number with seconds left in `expire`, DELETE /share/<key> removes one.
 *
 * The 3.x quirk: `expire` only applies together with `downloads` > 0, and then both limits apply
 * (service/share/manage.go). So an expiry alone would make a link that never expires: refused
 * here with a clear message. A download limit alone is sent with a 100-year expiry, because
 * `downloads` > 0 with `expire` 0 would make a link that has expired the moment it was made.
 */
import type { IDataObject } from 'n8n-workflow';

import type { CreatedShare, Entry, Page, Share, ShareOptions } from '../contract';
import { isoDate } from '../core/dates';
import { CloudreveError } from '../core/errors';
import { createdShareLink } from '../core/links';
import type { Transport } from '../core/transport';

/** GET /share's fixed page size (service/share/visit.go). */
export const SHARES_PER_PAGE = 18;

/** What "no expiry" is sent as when only a download limit is wanted: 100 years. */
const NO_EXPIRY_SECONDS = 100 * 365 * 24 * 3600;

/** The 3.x rule, checked before the link is asked for. */
function checkLimits(options: ShareOptions): void {
	if (options.expiresIn !== undefined && options.downloadLimit === undefined) {
		throw new CloudreveError(
			'On Cloudreve 3.x an expiry only works together with a download limit: set Options → Download Limit too (the link was not created)',
			{
				kind: 'config',
				description:
					'Cloudreve 3.x applies "Expires In" only when a download limit is set, and then both limits apply. Without one it would create a link that never expires, so the node refuses. Set Download Limit (e.g. 100), or remove Expires In for a link without limits.',
			},
		);
	}
}

/** "<site>/s/<key>" → key (the last path segment). */
function keyOf(url: string): string {
	const path = url.split(/[?#]/)[0].replace(/\/+$/, '');
	const key = path.slice(path.lastIndexOf('/') + 1);
	try {
		return decodeURIComponent(key);
	} catch {
		return key;
	}
}

export async function createShare(transport: Transport, entry: Entry, options: ShareOptions): Promise<CreatedShare> {
	checkLimits(options);
	const limited = options.downloadLimit !== undefined;
	const body = {
		id: entry.id,
		is_dir: entry.type === 'folder',
		password: options.password ?? '',
		downloads: limited ? options.downloadLimit! : -1,
		expire: limited ? (options.expiresIn ?? NO_EXPIRY_SECONDS) : 0,
		preview: options.allowPreview,
	};
	const startedAt = Date.now();
	// Every call makes a new link: sent again only when it certainly never arrived.
	const reply = await transport.request({ method: 'POST', path: '/share', body, retry: 'ifNotSent' });
	const link = createdShareLink(transport, reply, entry);
	const share: CreatedShare = { id: keyOf(link.url), url: link.url, path: entry.path };
	if (options.password) share.password = options.password;
	if (options.expiresIn !== undefined) share.expiresAt = new Date(startedAt + options.expiresIn * 1000).toISOString();
	if (options.downloadLimit !== undefined) share.downloadLimit = options.downloadLimit;
	if (link.warning) share.warning = link.warning;
	return share;
}

/** A GET /share item as a Share. Its password is read only to say whether there is one. */
function toShare(transport: Transport, item: IDataObject, now: number): Share {
	const key = String(item.key ?? '');
	const source = (item.source ?? undefined) as IDataObject | undefined;
	const remaining = Number(item.remain_downloads ?? -1);
	// Seconds left, -1 when the link never expires (pkg/serializer/share.go BuildShareList).
	const expire = Number(item.expire ?? -1);
	const share: Share = {
		id: key,
		// The list has no links: this is where the web UI opens them (below the Server URL).
		url: `${transport.serverUrl}/s/${encodeURIComponent(key)}`,
		name: typeof source?.name === 'string' ? source.name : '',
		type: item.is_dir === true ? 'folder' : 'file',
		views: Number(item.views ?? 0),
		downloads: Number(item.downloads ?? 0),
		expired: remaining === 0 || (expire !== -1 && expire <= 0),
		hasPassword: typeof item.password === 'string' && item.password !== '',
		createdAt: isoDate(item.create_date),
	};
	if (remaining >= 0) share.downloadsLeft = remaining;
	if (expire !== -1) share.expiresAt = new Date(now + expire * 1000).toISOString();
	return share;
}

/** `next` is the page number to ask for (1-based). */
export async function listShares(transport: Transport, { next }: { limit: number; next?: string }): Promise<Page<Share>> {
	const page = Math.max(1, Number(next ?? 1) || 1);
	const reply = await transport.request({ method: 'GET', path: `/share?page=${page}&order_by=created_at&order=DESC` });
	if (reply.code !== 0) throw transport.failure(reply, 'share');
	const data = (reply.data ?? {}) as IDataObject;
	const items = Array.isArray(data.items) ? (data.items as IDataObject[]) : [];
	const total = Number(data.total ?? 0);
	const now = Date.now();
	const shares = items.map((item) => toShare(transport, item, now));
	const more = items.length > 0 && page * SHARES_PER_PAGE < total;
	return more ? { items: shares, next: String(page + 1) } : { items: shares };
}

export async function deleteShare(transport: Transport, shareId: string): Promise<void> {
	// Sent again only when it never arrived: a repeat after success would say "not found".
	const reply = await transport.request({ method: 'DELETE', path: `/share/${encodeURIComponent(shareId)}`, retry: 'ifNotSent' });
	if (reply.code !== 0) throw transport.failure(reply, 'deleteShare');
}
