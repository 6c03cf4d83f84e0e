/**
 * Cloudreve's wire protocol, named once: server URL, API roots, the {code,data,msg} envelope,
 * sending with retries, and version detection. Both generations' folders and the credential use
 * it; nothing here knows about n8n items or parameters, or about one generation's endpoints.
 */
import type { IDataObject, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { CloudreveError, describeNetworkFailure } from './errors';
import type { ApiVersionSetting, Generation, ServerInfo } from './server';

export interface Envelope {
	code: number;
	data?: unknown;
	msg?: string;
	/** 4.x batch partial failures (code 40081): resource (URL or URI) → inner envelope. */
	aggregated_error?: Record<string, { code: number; msg?: string }>;
}

/** n8n's httpRequest, or the authenticated variant, asked for the full response. */
export type SendRequest = (options: IHttpRequestOptions) => Promise<IN8nHttpFullResponse>;

export const DEFAULT_TIMEOUT_MS = 30_000;

/** Options every Cloudreve call uses: errors come in the body, so HTTP status is read by us. */
export function requestOptions(options: IHttpRequestOptions): IHttpRequestOptions {
	return {
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: DEFAULT_TIMEOUT_MS,
		...options,
	};
}

/**
 * When a failed request may be sent again:
 * - 'always': repeating is harmless (version probe, login, mkdir, listing);
 * - 'ifNotSent': only when it certainly never reached the server (connection refused, unknown
 *   host), because a duplicate offline download is worse than an error.
 */
export type RetryPolicy = 'always' | 'ifNotSent';

const RETRY_DELAYS_MS = [250, 750];

function mayRetry(error: CloudreveError, policy: RetryPolicy): boolean {
	if (error.permanent) return false;
	if (error.notSent) return true;
	if (policy !== 'always') return false;
	return error.kind === 'network' || (error.kind === 'http' && error.httpStatus !== 413);
}

export function parseUrl(text: string): URL | undefined {
	try {
		return new URL(text);
	} catch {
		return undefined;
	}
}

/**
 * `https://host/cloudreve/` → `https://host/cloudreve`. Rejects what would silently send requests
 * elsewhere: other schemes, a query or fragment, spaces.
 */
export function normalizeServerUrl(raw: unknown): string {
	if (typeof raw !== 'string' || raw.trim() === '') {
		throw new CloudreveError('The credential has no Server URL', {
			description: 'Open the Cloudreve credential and enter the address you open Cloudreve at, e.g. https://cloud.example.com',
			kind: 'config',
		});
	}
	const text = raw.trim();
	if (/\s/.test(text)) {
		throw new CloudreveError(`The Server URL "${text}" contains a space`, {
			description: 'Remove the spaces from the Server URL in the Cloudreve credential.',
			kind: 'config',
		});
	}
	const url = parseUrl(text);
	if (url === undefined) {
		throw new CloudreveError(`The Server URL "${text}" is not a valid URL`, {
			description: 'Enter the full address including http:// or https://, e.g. https://cloud.example.com',
			kind: 'config',
		});
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new CloudreveError(`The Server URL must start with http:// or https://, not ${url.protocol}//`, {
			description: 'Enter the address you open Cloudreve at in a browser, e.g. https://cloud.example.com',
			kind: 'config',
		});
	}
	if (url.search !== '' || url.hash !== '' || text.includes('?') || text.includes('#')) {
		throw new CloudreveError(`The Server URL "${text}" must not contain a query (?…) or fragment (#…)`, {
			description: 'Keep only the address, e.g. https://cloud.example.com or https://example.com/cloudreve',
			kind: 'config',
		});
	}
	return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export function apiRoot(serverUrl: string, generation: Generation): string {
	return `${serverUrl}/api/${generation}`;
}

export function headerValue(headers: IDataObject | undefined, name: string): string {
	const value = headers?.[name];
	if (Array.isArray(value)) return value.join(', ');
	return typeof value === 'string' ? value : '';
}

/**
 * "HTTP 502 Bad Gateway": the status with its reason phrase, as a proxy's error page names it.
 * The reason's spaces are no-break spaces: n8n replaces any error message that contains the
 * words "bad gateway" with its own generic text, which would hide ours in the credential test.
 */
export function httpStatusText(response: IN8nHttpFullResponse): string {
	const reason = typeof response.statusMessage === 'string' ? response.statusMessage.trim().replace(/\s+/g, '\u00a0') : '';
	return `HTTP ${response.statusCode}${reason ? ` ${reason}` : ''}`;
}

function looksLikeHtml(text: string, contentType: string): boolean {
	return contentType.includes('html') || /^\s*<(!doctype|html|head|body)/i.test(text);
}

function isEnvelope(body: unknown): body is Envelope {
	return typeof body === 'object' && body !== null && typeof (body as Envelope).code === 'number';
}

/**
 * Reads Cloudreve's envelope out of a full response. Anything else (HTML from a proxy, Gin's
 * plain-text 404, an empty body, HTTP 5xx) becomes a CloudreveError that says what arrived.
 */
export function readEnvelope(response: IN8nHttpFullResponse, url: string): Envelope {
	const status = response.statusCode;
	let body: unknown = response.body;
	const contentType = headerValue(response.headers as IDataObject, 'content-type').toLowerCase();
	if (typeof body === 'string' && body.trim() !== '' && !looksLikeHtml(body, contentType)) {
		try {
			body = JSON.parse(body);
		} catch {
			// stays text; reported below
		}
	}
	if (status >= 200 && status < 300 && isEnvelope(body)) return body;

	const text = typeof body === 'string' ? body : '';
	if (status === 413) {
		throw new CloudreveError(`The server refused the request as too large (HTTP 413) at ${url}`, {
			description: 'A reverse proxy in front of Cloudreve limits request size (for nginx: client_max_body_size). Send fewer URLs per item or raise the limit.',
			kind: 'http',
			httpStatus: status,
		});
	}
	if (status >= 500) {
		throw new CloudreveError(`The server answered ${httpStatusText(response)} at ${url}`, {
			httpStatusText: httpStatusText(response),
			description: 'Cloudreve or a proxy in front of it failed. Check that Cloudreve is running and look at its log; retry later.',
			kind: 'http',
			httpStatus: status,
		});
	}
	if (looksLikeHtml(text, contentType)) {
		throw new CloudreveError(`Got a web page instead of Cloudreve's API at ${url} (HTTP ${status})`, {
			description: 'The Server URL probably points at a reverse proxy, a login portal or the wrong path. Use the address you open Cloudreve at, including any sub-path such as /cloudreve.',
			kind: 'notCloudreve',
			httpStatus: status,
		});
	}
	if (status === 404) {
		throw new CloudreveError(`No Cloudreve API at ${url} (HTTP 404)`, {
			description: 'Check the Server URL (including any sub-path such as /cloudreve) and the API Version in the credential.',
			kind: 'notCloudreve',
			httpStatus: status,
		});
	}
	if (text.trim() === '' && (body === undefined || body === null || body === '')) {
		throw new CloudreveError(`The server sent an empty reply at ${url} (HTTP ${status})`, {
			description: 'Something between n8n and Cloudreve answered instead of Cloudreve. Check the Server URL and any proxy.',
			kind: 'notCloudreve',
			httpStatus: status,
		});
	}
	throw new CloudreveError(`The reply at ${url} is not Cloudreve's API (HTTP ${status})`, {
		description: 'Check the Server URL in the credential: it must be the address you open Cloudreve at.',
		kind: 'notCloudreve',
		httpStatus: status,
	});
}

/**
 * Our error inside whatever n8n wrapped it in (a login failure from preAuthentication arrives as a
 * NodeApiError's cause), or a description of the network failure.
 */
export function asCloudreveError(error: unknown, url: string): CloudreveError {
	let current = error as { cause?: unknown } | undefined;
	for (let depth = 0; current && depth < 4; depth++) {
		if (current instanceof CloudreveError) return current;
		current = current.cause as typeof current;
	}
	return describeNetworkFailure(error, url);
}

async function callOnce(send: SendRequest, options: IHttpRequestOptions): Promise<{ envelope: Envelope; response: IN8nHttpFullResponse }> {
	const url = `${options.baseURL ?? ''}${options.url}`;
	const response = await send(requestOptions(options)).catch((error: unknown) => {
		throw asCloudreveError(error, url);
	});
	return { envelope: readEnvelope(response, url), response };
}

/**
 * Sends one request and returns its envelope; failures become CloudreveErrors. Transient failures
 * are retried with backoff as `retry` allows (see RetryPolicy).
 */
export async function call(
	send: SendRequest,
	options: IHttpRequestOptions,
	retry: RetryPolicy = 'always',
): Promise<{ envelope: Envelope; response: IN8nHttpFullResponse }> {
	for (let attempt = 0; ; attempt++) {
		const outcome = await callOnce(send, options).catch((error: unknown) => error as Error);
		if (!(outcome instanceof Error)) return outcome;
		const finalAttempt = attempt >= RETRY_DELAYS_MS.length;
		if (finalAttempt || !(outcome instanceof CloudreveError) || !mayRetry(outcome, retry)) throw outcome;
		await sleep(RETRY_DELAYS_MS[attempt]);
	}
}

/** One /site/ping of one generation: what it reported, or why it did not (as a value). */
async function ping(send: SendRequest, serverUrl: string, generation: Generation): Promise<ServerInfo | CloudreveError> {
	const url = `${apiRoot(serverUrl, generation)}/site/ping`;
	const reply = await call(send, { method: 'GET', url }).then(
		({ envelope }) => envelope,
		(error: unknown) => asCloudreveError(error, url),
	);
	if (reply instanceof CloudreveError) return reply;
	if (reply.code === 0 && typeof reply.data === 'string') return { generation, version: reply.data };
	return new CloudreveError(`${url} did not report a version`, { kind: 'notCloudreve' });
}

/**
 * Which generation answers at `serverUrl`, and which version: 4.x first, then 3.x (doc §3).
 * A forced generation is still pinged, because 3.x behaviour depends on the minor version.
 */
export async function detectServer(send: SendRequest, serverUrl: string, setting: ApiVersionSetting): Promise<ServerInfo> {
	const candidates: Generation[] = setting === 'auto' ? ['v4', 'v3'] : [setting];
	let lastError: CloudreveError | undefined;
	let serverError: CloudreveError | undefined;
	for (const generation of candidates) {
		const answer = await ping(send, serverUrl, generation);
		if (!(answer instanceof CloudreveError)) return answer;
		// Unreachable is final: the other generation lives on the same host.
		if (answer.kind === 'network') throw answer;
		if (answer.kind === 'http' && (answer.httpStatus ?? 0) >= 500) serverError ??= answer;
		lastError = answer;
	}
	// A 502/503/504 page means the URL reached a server (or a proxy) whose backend failed: the URL
	// is probably right and Cloudreve is down, which is not what "not a Cloudreve server" says.
	if (serverError !== undefined) {
		throw new CloudreveError(`${serverUrl} (or the proxy in front of it) answered ${serverError.httpStatusText}: Cloudreve behind it may be down or restarting`, {
			description: 'Check that Cloudreve is running (its service or container, and its log) and that the proxy points at the right port, then retry. The Server URL itself is probably right.',
			kind: 'http',
			httpStatus: serverError.httpStatus,
		});
	}
	const tried = candidates.map((g) => `/api/${g}/site/ping`).join(' and ');
	const forced = setting === 'auto' ? '' : `, and whether the server really runs Cloudreve ${setting === 'v3' ? '3.x' : '4.x'} (API Version in the credential)`;
	throw new CloudreveError(`${serverUrl} does not look like a Cloudreve server (tried ${tried})`, {
		description: `${lastError?.message ?? ''}. Check the Server URL, including any sub-path such as /cloudreve${forced}.`,
		kind: 'notCloudreve',
	});
}

