/**
 * Cloudreve 3.x login: POST /user/session sets the `cloudreve-session` cookie; accounts with 2FA
 * answer 203 and finish at /user/2fa with the same cookie (doc §2.1).
 */
import type { IDataObject, IN8nHttpFullResponse } from 'n8n-workflow';

import { CloudreveError } from '../core/errors';
import type { SendRequest } from '../core/http';
import { apiRoot, call } from '../core/http';
import type { LoginInput } from '../core/login';
import { checkLoginInput, currentTotp, loginRefused } from '../core/login';
import type { ServerInfo } from '../core/server';
import { hasOldErrorCodes } from '../core/server';

export const SESSION_COOKIE = 'cloudreve-session';

/** The request headers that carry a 3.x session. */
export function sessionHeaders(session: string): Record<string, string> {
	return { Cookie: `${SESSION_COOKIE}=${session}` };
}

function sessionCookieFrom(response: IN8nHttpFullResponse): string | undefined {
	const raw = (response.headers as IDataObject | undefined)?.['set-cookie'];
	const cookies = Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
	for (const cookie of cookies) {
		const pair = cookie.split(';')[0].trim();
		if (pair.startsWith(`${SESSION_COOKIE}=`)) return pair.slice(SESSION_COOKIE.length + 1);
	}
	return undefined;
}

/**
 * Tells "wrong captcha" from "wrong password" before 3.6, where both are 40001. (3.6+ answers a
 * missing captcha with its own code, 40026/40027, so no look is needed there.)
 */
async function loginCaptchaEnabled(send: SendRequest, serverUrl: string): Promise<boolean> {
	const config = await call(send, { method: 'GET', url: `${apiRoot(serverUrl, 'v3')}/site/config` }).then(
		({ envelope }) => (envelope.data ?? {}) as IDataObject,
		() => ({}) as IDataObject,
	);
	return config.loginCaptcha === true;
}

/** The 2FA code goes to /user/2fa with the cookie of the pending login. */
async function completeTwoFactor(send: SendRequest, serverUrl: string, server: ServerInfo, pendingCookie: string, secret: string): Promise<string> {
	const { envelope, response } = await call(send, {
		method: 'POST',
		url: `${apiRoot(serverUrl, 'v3')}/user/2fa`,
		body: { code: currentTotp(secret) },
		headers: sessionHeaders(pendingCookie),
	});
	if (envelope.code !== 0) throw loginRefused(server, envelope, 'twoFactor');
	return sessionCookieFrom(response) ?? pendingCookie;
}

/** Logs in and returns the session cookie's value. */
export async function logIn(send: SendRequest, serverUrl: string, server: ServerInfo, input: LoginInput): Promise<string> {
	checkLoginInput(input);
	const { envelope, response } = await call(send, {
		method: 'POST',
		url: `${apiRoot(serverUrl, 'v3')}/user/session`,
		body: { userName: input.email.trim(), Password: input.password, captchaCode: '' },
	});
	if (envelope.code === 203 && input.totpSecret) {
		const pending = sessionCookieFrom(response);
		if (!pending) throw new CloudreveError('Cloudreve asked for a 2FA code but set no session cookie', { kind: 'login' });
		return await completeTwoFactor(send, serverUrl, server, pending, input.totpSecret);
	}
	if (envelope.code === 0) {
		const cookie = sessionCookieFrom(response);
		if (!cookie) {
			throw new CloudreveError('Login succeeded but the server set no cloudreve-session cookie', {
				description: 'A proxy in front of Cloudreve may strip Set-Cookie headers. Check its configuration.',
				kind: 'login',
			});
		}
		return cookie;
	}
	// 40001 before 3.6 is a wrong password *or* a wrong captcha; ask the site which.
	if (envelope.code === 40001 && hasOldErrorCodes(server) && (await loginCaptchaEnabled(send, serverUrl))) {
		throw loginRefused(server, { code: 40026 });
	}
	throw loginRefused(server, envelope);
}
