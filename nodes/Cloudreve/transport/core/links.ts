/**
 * Links Cloudreve builds from its "site URL" setting (share links), which defaults to
 * http://localhost on a fresh 3.x site (wave2 §10). The node cannot know the right address, but it
 * must not pass such a link on as if others could open it: it keeps the link and says why it will
 * not work. The texts never repeat the link (a 4.x private link holds its password).
 */
import type { Entry } from '../contract';
import { CloudreveError } from './errors';
import type { Envelope } from './http';
import { parseUrl } from './http';
import type { Transport } from './transport';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1', '0.0.0.0']);

const SET_SITE_URL =
	'An admin should set the site URL in the Cloudreve dashboard (the site settings, "Site URL") to the address people open Cloudreve at, e.g. https://cloud.example.com; Cloudreve builds share links from it.';

export interface SiteLink {
	url: string;
	/** Why others may not be able to open the link; absent when it looks fine. */
	warning?: string;
}

function isLoopback(host: string): boolean {
	return LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127\./.test(host);
}

/**
 * A link as Cloudreve gave it, made absolute against the Server URL when it has no host, with a
 * warning when it has none or points at localhost while the Server URL is another address.
 */
export function siteLink(serverUrl: string, link: string): SiteLink {
	const url = parseUrl(link);
	if (url === undefined || !/^https?:$/.test(url.protocol)) {
		const absolute = `${serverUrl}${link.startsWith('/') ? '' : '/'}${link}`;
		return {
			url: absolute,
			warning: `Cloudreve gave this link without an address; the node put the Server URL in front of it. ${SET_SITE_URL}`,
		};
	}
	const server = parseUrl(serverUrl);
	if (server !== undefined && url.origin !== server.origin && isLoopback(url.hostname)) {
		return {
			url: link,
			warning: `This link points at ${url.host}, which only the Cloudreve machine itself can open, not the address in the credential's Server URL (${server.host}). ${SET_SITE_URL}`,
		};
	}
	return { url: link };
}

/** The share link a create request answered (both generations answer the URL as `data`). */
export function createdShareLink(transport: Transport, reply: Envelope, entry: Entry): SiteLink {
	if (reply.code !== 0) throw transport.failure(reply, 'share');
	if (typeof reply.data !== 'string' || reply.data === '') {
		throw new CloudreveError(`Cloudreve created no share link for ${entry.path}`, {
			kind: 'api',
			description: 'The reply held no link. Please report it with the server version.',
		});
	}
	return siteLink(transport.serverUrl, reply.data);
}
