/**
 * The session the credential stores: what preAuthentication returns and authenticate injects.
 * Hidden credential fields:
 *   session           expirable; the 3.x cookie value or the 4.x access token
 *   serverGeneration  'v3' | 'v4', detected or forced
 *   serverVersion     what /site/ping said
 *   sessionFor        which account and server these belong to, so that editing the
 *                     credential's URL or email never reuses another server's session
 */
import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

import { CloudreveError } from './core/errors';
import type { SendRequest } from './core/http';
import { apiRoot, detectServer, normalizeServerUrl } from './core/http';
import type { LoginInput } from './core/login';
import type { ApiVersionSetting, Generation, ServerInfo } from './core/server';
import * as v3 from './v3/session';
import * as v4 from './v4/session';

/** Each generation's login and session header. */
const dialects = { v3, v4 };

async function logIn(send: SendRequest, serverUrl: string, server: ServerInfo, input: LoginInput): Promise<string> {
	return await dialects[server.generation].logIn(send, serverUrl, server, input);
}

export interface StoredSession {
	[key: string]: string;
	session: string;
	serverGeneration: Generation;
	serverVersion: string;
	sessionFor: string;
}

/** Sends with the credential's "Ignore SSL Issues" setting applied. */
export function withTlsSetting(send: SendRequest, credentials: ICredentialDataDecryptedObject): SendRequest {
	if (credentials.allowUnauthorizedCerts !== true) return send;
	return async (options) => await send({ ...options, skipSslCertificateValidation: true });
}

export function apiVersionSetting(credentials: ICredentialDataDecryptedObject): ApiVersionSetting {
	const value = credentials.apiVersion;
	return value === 'v3' || value === 'v4' ? value : 'auto';
}

export function sessionOwner(credentials: ICredentialDataDecryptedObject): string {
	const email = typeof credentials.email === 'string' ? credentials.email.trim().toLowerCase() : '';
	return `${email} ${normalizeServerUrl(credentials.serverUrl)}`;
}

/** The server stored with the session, if it still belongs to this account, URL and API setting. */
export function storedServer(credentials: ICredentialDataDecryptedObject): ServerInfo | undefined {
	const generation = credentials.serverGeneration;
	const version = credentials.serverVersion;
	if ((generation !== 'v3' && generation !== 'v4') || typeof version !== 'string' || version === '') return undefined;
	if (credentials.sessionFor !== sessionOwner(credentials)) return undefined;
	const setting = apiVersionSetting(credentials);
	if (setting !== 'auto' && setting !== generation) return undefined;
	return { generation, version };
}

/**
 * Logs in (detecting the server first unless it is known) and returns the fields to store.
 * Called by n8n through the credential's preAuthentication.
 */
export async function startSession(plainSend: SendRequest, credentials: ICredentialDataDecryptedObject): Promise<StoredSession> {
	const send = withTlsSetting(plainSend, credentials);
	const serverUrl = normalizeServerUrl(credentials.serverUrl);
	const totpSecret = typeof credentials.totpSecret === 'string' && credentials.totpSecret.trim() !== '' ? credentials.totpSecret : undefined;
	const input = { email: credentials.email as string, password: credentials.password as string, totpSecret };
	const stored = (server: ServerInfo, session: string): StoredSession => ({
		session,
		serverGeneration: server.generation,
		serverVersion: server.version,
		sessionFor: sessionOwner(credentials),
	});

	const known = storedServer(credentials);
	if (known !== undefined) {
		const session = await logIn(send, serverUrl, known, input).catch((error: unknown) => {
			// A stored generation can go stale (server upgraded from 3.x to 4.x): detect again below.
			if (error instanceof CloudreveError && error.kind === 'notCloudreve') return undefined;
			throw error;
		});
		if (session !== undefined) return stored(known, session);
	}
	const server = await detectServer(send, serverUrl, apiVersionSetting(credentials));
	return stored(server, await logIn(send, serverUrl, server, input));
}

/**
 * Puts the session on a request: the cookie on 3.x, the bearer token on 4.x. Also applies
 * "Ignore SSL Issues", so the credential test and every node request honour it. A request with a
 * relative URL (the credential test's) is sent to the detected generation's API root.
 */
export function applySession(credentials: ICredentialDataDecryptedObject, options: IHttpRequestOptions): IHttpRequestOptions {
	const generation = credentials.serverGeneration;
	const session = typeof credentials.session === 'string' ? credentials.session : '';
	const headers = { ...(options.headers ?? {}) };
	if (session !== '' && (generation === 'v3' || generation === 'v4')) Object.assign(headers, dialects[generation].sessionHeaders(session));
	const result: IHttpRequestOptions = { ...options, headers };
	if (credentials.allowUnauthorizedCerts === true) result.skipSslCertificateValidation = true;
	if (options.baseURL === undefined && options.url.startsWith('/') && (generation === 'v3' || generation === 'v4')) {
		result.baseURL = apiRoot(normalizeServerUrl(credentials.serverUrl), generation);
	}
	return result;
}
