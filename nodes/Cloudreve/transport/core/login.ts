/** What both generations' logins share: the input check, the 2FA code and the refusal error. */
import { CloudreveError, describeCode } from './errors';
import type { CodeContext } from './errors';
import type { Envelope } from './http';
import type { ServerInfo } from './server';
import { decodeBase32Secret, totpCode } from './totp';

export interface LoginInput {
	email: string;
	password: string;
	/** Base32 TOTP secret, for accounts with two-factor authentication. */
	totpSecret?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Refuses what no Cloudreve accepts before sending the password anywhere. */
export function checkLoginInput({ email, password }: LoginInput): void {
	if (typeof email !== 'string' || !EMAIL.test(email.trim())) {
		throw new CloudreveError('The credential\'s Email is not an email address', {
			description: 'Cloudreve logs in with the account\'s email address. Enter it in the Cloudreve credential.',
			kind: 'config',
		});
	}
	if (typeof password !== 'string' || password.length < 4) {
		throw new CloudreveError('The credential\'s Password is empty or shorter than 4 characters', {
			description: 'Enter the password of the Cloudreve account in the credential.',
			kind: 'config',
		});
	}
}

export function currentTotp(secret: string): string {
	return totpCode(decodeBase32Secret(secret), Date.now());
}

/** A refused login or 2FA step, in our words for its code. */
export function loginRefused(server: ServerInfo, envelope: Envelope, context: Extract<CodeContext, 'login' | 'twoFactor'> = 'login'): CloudreveError {
	const { message, description } = describeCode(envelope.code, server, context, envelope.msg);
	return new CloudreveError(message, { description, cloudreveCode: envelope.code, kind: 'login' });
}
