/**
 * Cloudreve 4.x login: POST /session/token returns a JWT pair; accounts with 2FA answer 203 with
 * a session id and finish at /session/token/2fa (doc §2.2). Only the access token is kept.
 */
import type { IDataObject } from 'n8n-workflow';

import { CloudreveError } from '../core/errors';
import type { Envelope, SendRequest } from '../core/http';
import { apiRoot, call } from '../core/http';
import type { LoginInput } from '../core/login';
import { checkLoginInput, currentTotp, loginRefused } from '../core/login';
import type { ServerInfo } from '../core/server';

/** The request headers that carry a 4.x session. */
export function sessionHeaders(session: string): Record<string, string> {
	return { Authorization: `Bearer ${session}` };
}

function accessTokenOf(envelope: Envelope): string {
	const token = ((envelope.data as IDataObject | undefined)?.token as IDataObject | undefined)?.access_token;
	if (typeof token !== 'string' || token === '') {
		throw new CloudreveError('Login succeeded but the server returned no access token', { kind: 'login' });
	}
	return token;
}

/** Logs in and returns the access token. */
export async function logIn(send: SendRequest, serverUrl: string, server: ServerInfo, input: LoginInput): Promise<string> {
	checkLoginInput(input);
	const { envelope } = await call(send, {
		method: 'POST',
		url: `${apiRoot(serverUrl, 'v4')}/session/token`,
		body: { email: input.email.trim(), password: input.password },
	});
	if (envelope.code === 203 && input.totpSecret) {
		const { envelope: confirmed } = await call(send, {
			method: 'POST',
			url: `${apiRoot(serverUrl, 'v4')}/session/token/2fa`,
			body: { otp: currentTotp(input.totpSecret), session_id: String(envelope.data ?? '') },
		});
		if (confirmed.code !== 0) throw loginRefused(server, confirmed, 'twoFactor');
		return accessTokenOf(confirmed);
	}
	if (envelope.code === 0) return accessTokenOf(envelope);
	throw loginRefused(server, envelope);
}
