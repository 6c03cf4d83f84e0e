/**
 * Cloudreve 4.x share links (wave2 §5.2): PUT /share answers the link, "<site>/s/<id>" or, for a
 * private share, "<site>/s/<id>/<password>" (the password is in the link); GET /share lists them
 * with cursor pages of 10 to 100; DELETE /share/<id> removes one.
 *
 * A password makes the share private. It must be letters and digits, at most 32 (the server's
 * binding); 4.0 betas have no password field at all and make up a random one, so a custom
 * password is refused there rather than silently replaced. The texts never repeat the password.
 */
import type { IDataObject } from 'n8n-workflow';

import type { CreatedShare, Entry, Page, Share, ShareOptions } from '../contract';
import { isoDate } from '../core/dates';
import { CloudreveError } from '../core/errors';
import { createdShareLink, siteLink } from '../core/links';
import type { Transport } from '../core/transport';
import { uriOfEntry } from './entries';

/** GET /share's page_size binding: min=10, max=100 (service/share/visit.go). */
const MIN_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 100;

const PASSWORD_RULE = /^[A-Za-z0-9]{1,32}$/;

const isBeta = (version: string) => /^v?4\.0\.0-beta/i.test(version);

function checkPassword(transport: Transport, password: string): void {
	const { version } = transport.server;
	if (isBeta(version)) {
		throw new CloudreveError(`Cloudreve ${version} cannot set a custom share password (4.0.0 and later can); the link was not created`, {
			kind: 'config',
			description: 'The 4.0 betas make up a random password for private shares and ignore the one sent. Leave Password empty for a link without password, or update Cloudreve to 4.0.0 or later.',
		});
	}
	if (!PASSWORD_RULE.test(password)) {
		throw new CloudreveError('Invalid Password: Cloudreve 4.x accepts only letters and digits (A-Z, a-z, 0-9), at most 32 of them', {
			kind: 'config',
			description: 'Choose a share password of letters and digits only, e.g. from {{ $now.toMillis().toString(36) }}.',
		});
	}
}

/** The share id and, for private shares, the password: "<site>/s/<id>[/<password>]". */
function partsOf(url: string): { id: string; password?: string } {
	const path = url.split(/[?#]/)[0];
	const match = /\/s\/([^/]+)(?:\/([^/]+))?\/?$/.exec(path);
	if (!match) return { id: '' };
	const decode = (text: string) => {
		try {
			return decodeURIComponent(text);
		} catch {
			return text;
		}
	};
	return match[2] === undefined ? { id: decode(match[1]) } : { id: decode(match[1]), password: decode(match[2]) };
}

/** The link without the password segment: a listing shows links, not passwords. */
function withoutPassword(url: string): string {
	return url.replace(/(\/s\/[^/?#]+)\/[^?#]*/, '$1');
}

export async function createShare(transport: Transport, entry: Entry, options: ShareOptions): Promise<CreatedShare> {
	const password = options.password ?? '';
	if (password !== '') checkPassword(transport, password);
	const body: IDataObject = {
		uri: uriOfEntry(entry),
		is_private: password !== '',
		downloads: options.downloadLimit ?? 0,
		expire: options.expiresIn ?? 0,
		// 4.x has no preview switch: previews are always allowed (share_view shares the folder's view settings).
		share_view: false,
	};
	if (password !== '') body.password = password;
	const startedAt = Date.now();
	// Every call makes a new share (no dedupe): sent again only when it certainly never arrived.
	const reply = await transport.request({ method: 'PUT', path: '/share', body, retry: 'ifNotSent' });
	const link = createdShareLink(transport, reply, entry);
	const parts = partsOf(link.url);
	const share: CreatedShare = { id: parts.id, url: link.url, path: entry.path };
	// The password the link carries: the one set, or one Cloudreve made up.
	if (parts.password ?? password) share.password = parts.password ?? password;
	if (options.expiresIn !== undefined) share.expiresAt = new Date(startedAt + options.expiresIn * 1000).toISOString();
	if (options.downloadLimit !== undefined) share.downloadLimit = options.downloadLimit;
	if (link.warning) share.warning = link.warning;
	return share;
}

/** A Share of GET /share (service/explorer/response.go `Share`); the password is never read out. */
function toShare(transport: Transport, item: IDataObject): Share {
	const link = siteLink(transport.serverUrl, withoutPassword(String(item.url ?? '')));
	const share: Share = {
		id: String(item.id ?? ''),
		url: link.url,
		name: typeof item.name === 'string' ? item.name : '',
		type: item.source_type === 1 ? 'folder' : 'file',
		views: Number(item.visited ?? 0),
		downloads: Number(item.downloaded ?? 0),
		expired: item.expired === true,
		hasPassword: item.is_private === true || item.password_protected === true || (typeof item.password === 'string' && item.password !== ''),
		createdAt: isoDate(item.created_at),
	};
	if (typeof item.remain_downloads === 'number') share.downloadsLeft = item.remain_downloads;
	if (typeof item.expires === 'string' && item.expires !== '') share.expiresAt = isoDate(item.expires);
	if (link.warning) share.warning = link.warning;
	return share;
}

/** `next` is the server's next_page_token. */
export async function listShares(transport: Transport, { limit, next }: { limit: number; next?: string }): Promise<Page<Share>> {
	const pageSize = Math.max(MIN_PAGE_SIZE, Math.min(Number.isFinite(limit) ? Math.floor(limit) : MAX_PAGE_SIZE, MAX_PAGE_SIZE));
	const token = next ? `&next_page_token=${encodeURIComponent(next)}` : '';
	const reply = await transport.request({ method: 'GET', path: `/share?page_size=${pageSize}${token}` });
	if (reply.code !== 0) throw transport.failure(reply, 'share');
	const data = (reply.data ?? {}) as IDataObject;
	const items = Array.isArray(data.shares) ? (data.shares as IDataObject[]) : [];
	const pagination = (data.pagination ?? {}) as IDataObject;
	const shares = items.map((item) => toShare(transport, item));
	const nextToken = typeof pagination.next_token === 'string' && pagination.next_token !== '' ? pagination.next_token : undefined;
	return nextToken === undefined ? { items: shares } : { items: shares, next: nextToken };
}

export async function deleteShare(transport: Transport, shareId: string): Promise<void> {
	// Sent again only when it never arrived: a repeat after success would say "not found".
	const reply = await transport.request({ method: 'DELETE', path: `/share/${encodeURIComponent(shareId)}`, retry: 'ifNotSent' });
	if (reply.code !== 0) throw transport.failure(reply, 'deleteShare');
}
