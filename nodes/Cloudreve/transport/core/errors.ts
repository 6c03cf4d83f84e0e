/**
 * Our own texts for Cloudreve's codes. 3.x before 3.6 answers in Chinese and 3.6+ often with an
 * empty msg, so the server's msg is only ever appended, never relied on (doc §1).
 */
import type { IDataObject } from 'n8n-workflow';
import { ApplicationError } from 'n8n-workflow';

import type { ServerInfo } from './server';
import { hasOldErrorCodes, wrongPasswordIs401 } from './server';

export type ErrorKind =
	| 'config' // the credential or a parameter is wrong; nothing was sent
	| 'network' // no HTTP reply at all
	| 'http' // an HTTP error status (5xx, 413)
	| 'notCloudreve' // a reply that is not Cloudreve's API
	| 'login' // the login was refused
	| 'session' // the session was refused right after logging in
	| 'api'; // Cloudreve answered with a non-zero code

export interface CloudreveErrorOptions {
	description?: string;
	kind: ErrorKind;
	/** Cloudreve's code. Not named `code`: n8n's credential test shows `cause.code` instead of the message. */
	cloudreveCode?: number;
	httpStatus?: number;
	/** "HTTP 502 Bad Gateway". */
	httpStatusText?: string;
	/** Network failures where the request never reached the server (safe to send again). */
	notSent?: boolean;
	/** Sending again cannot help (an untrusted certificate stays untrusted). */
	permanent?: boolean;
	details?: IDataObject;
}

export class CloudreveError extends ApplicationError {
	description?: string;

	readonly kind: ErrorKind;

	readonly cloudreveCode?: number;

	readonly httpStatus?: number;

	readonly httpStatusText?: string;

	readonly notSent: boolean;

	readonly permanent: boolean;

	/** What the item achieved before failing; becomes the error item's json under continue-on-fail. */
	details?: IDataObject;

	constructor(message: string, options: CloudreveErrorOptions) {
		super(message, { level: 'warning' });
		this.name = 'CloudreveError';
		this.description = options.description;
		this.kind = options.kind;
		this.cloudreveCode = options.cloudreveCode;
		this.httpStatus = options.httpStatus;
		this.httpStatusText = options.httpStatusText ?? (options.httpStatus === undefined ? undefined : `HTTP ${options.httpStatus}`);
		this.notSent = options.notSent ?? false;
		this.permanent = options.permanent ?? false;
		this.details = options.details;
	}
}

/** What the request was for: some codes mean different things in different places. */
export type CodeContext =
	| 'login'
	| 'twoFactor'
	| 'createFolder'
	| 'addDownload'
	| 'request'
	/** Reading a folder or an entry (list, get, search). */
	| 'read'
	| 'upload'
	| 'download'
	/** Copy, move, rename, delete. */
	| 'change'
	| 'directLink'
	/** Creating or listing share links. */
	| 'share'
	/** A share link by its id (delete). */
	| 'deleteShare';

interface Text {
	message: string;
	description?: string;
}


const WRONG_LOGIN: Text = {
	message: 'Wrong email or password',
	description: 'Check the Email and Password in the Cloudreve credential; log in with them in a browser to be sure.',
};

const TWO_FACTOR_REJECTED: Text = {
	message: 'Cloudreve rejected the 2FA code',
	description: 'Check the credential\'s "2FA Secret (TOTP)" (the base32 key, not a 6-digit code) and that the clock of the n8n server is right.',
};

const TWO_FACTOR_SESSION_LOST: Text = {
	message: 'Cloudreve forgot the login before the 2FA code arrived',
	description: 'Retry. If it keeps happening, check the session store (Redis) of the Cloudreve server and any proxy that strips cookies.',
};

const CAPTCHA: Text = {
	message: 'The Cloudreve site requires a captcha to log in',
	description: 'Automation cannot solve captchas: it needs an account on a Cloudreve site without login captcha. An admin can turn off the login captcha in the dashboard (Settings → Captcha).',
};

function textFor(code: number, server: ServerInfo, context: CodeContext): Text | undefined {
	switch (code) {
		case 401:
			if (context === 'login' && wrongPasswordIs401(server)) return WRONG_LOGIN;
			return {
				message: 'Cloudreve did not accept the session',
				description: 'The node logged in again and the server still refused it. Test the Cloudreve credential; if it passes, check the server clock and its session store (Redis).',
			};
		case 203:
			return {
				message: 'This Cloudreve account has two-factor authentication (2FA) enabled',
				description: 'Enter the account\'s 2FA secret (the base32 key Cloudreve showed when 2FA was turned on) in the credential\'s "2FA Secret (TOTP)" field, or use an account without 2FA.',
			};
		case 403:
			if (context === 'login') {
				return { message: 'This Cloudreve account is banned or not activated', description: 'Ask the Cloudreve admin to activate or unban the account.' };
			}
			if (context === 'createFolder' && server.generation === 'v4') {
				return { message: 'A part of the path is a file, not a folder', description: 'Choose a path whose parent folders are folders.' };
			}
			if (context === 'share') {
				return { message: 'Cloudreve refused to share this file or folder', description: 'Only its owner may share it, and files shared with you (symbolic files) cannot be shared again.' };
			}
			if (context === 'addDownload' && hasOldErrorCodes(server)) {
				return {
					message: 'Offline download is disabled on this Cloudreve server, or the account is banned',
					description: 'An admin can enable offline download (aria2) in the Cloudreve dashboard.',
				};
			}
			return { message: 'Cloudreve refused this action', description: 'The account or its user group may not do this.' };
		case 404:
			if (context === 'twoFactor') return TWO_FACTOR_SESSION_LOST;
			if (context === 'deleteShare') return SHARE_MISSING;
			if (context === 'share') return PATH_MISSING;
			if (hasOldErrorCodes(server)) {
				if (context === 'addDownload') return destinationMissing();
				if (context !== 'request' && context !== 'createFolder') return PATH_MISSING;
				return { message: 'The path does not exist', description: 'Check the path; folders are written like /Downloads/2026.' };
			}
			return { message: 'Not found on the Cloudreve server' };
		case 40001:
			if (context === 'twoFactor') return TWO_FACTOR_REJECTED;
			// 4.x: an id that is no share id at all ("Failed to parse object ID").
			if (context === 'deleteShare') return SHARE_MISSING;
			if (context === 'login' && server.generation === 'v3' && !wrongPasswordIs401(server) && hasOldErrorCodes(server)) return WRONG_LOGIN;
			return { message: 'Cloudreve rejected the request\'s parameters', description: 'This usually means a value the node sent does not fit this Cloudreve version. Please report it with the server version.' };
		case 40003:
			return { message: 'Cloudreve could not create the folder', description: 'The name may be invalid for this server, or the server\'s database refused it.' };
		case 40004:
			if (context === 'createFolder') {
				return { message: 'A file or folder with this name already exists', description: 'Choose another name, or turn off "Error If Exists" to accept an existing folder.' };
			}
			if (context === 'upload') {
				return { message: 'A file with this name already exists in the folder', description: 'Set Options → If the File Exists to "Replace" or "Skip", or give the file another name.' };
			}
			return { message: 'A file or folder with this name already exists at the destination', description: 'Rename or remove the existing one first, or choose another destination or name.' };
		case 40007:
			if (context === 'share') {
				return {
					message: 'This account\'s user group may not create share links',
					description: 'An admin can allow sharing in the Cloudreve dashboard (Users → Groups → the group\'s permissions, "Share").',
				};
			}
			return {
				message: context === 'addDownload' ? 'This account\'s user group may not use offline download' : 'This account\'s user group may not do this',
				description: 'An admin can allow it in the Cloudreve dashboard (Users → Groups → the group\'s permissions).',
			};
		case 40015:
			return {
				message: 'Too many URLs or running downloads for this account\'s user group',
				description: 'Send fewer URLs per item, wait for running downloads to finish, or ask an admin to raise the group\'s offline-download limit.',
			};
		case 40016:
			if (context === 'addDownload') return destinationMissing();
			if (context === 'read' || context === 'download' || context === 'change' || context === 'directLink' || context === 'share') return PATH_MISSING;
			return { message: 'A parent folder does not exist', description: 'Check the path.' };
		case 40017:
			return { message: 'This Cloudreve account is banned', description: 'Ask the Cloudreve admin to unban it.' };
		case 40018:
			return { message: 'This Cloudreve account is not activated', description: 'Activate it from the email Cloudreve sent, or ask the admin.' };
		case 40019:
			return { message: 'Offline download is not enabled on this Cloudreve server', description: 'An admin can enable aria2 for a node in the Cloudreve dashboard.' };
		case 40020:
			if (context === 'login' && server.generation === 'v3') return WRONG_LOGIN;
			return { message: 'Cloudreve refused the login token', description: 'Test the Cloudreve credential to log in again.' };
		case 40022:
			return TWO_FACTOR_REJECTED;
		case 40023:
			return TWO_FACTOR_SESSION_LOST;
		case 40026:
		case 40027:
			return context === 'login' ? CAPTCHA : { message: 'Cloudreve asked for a captcha' };
		case 40048:
		case -1:
			return context === 'addDownload'
				? { message: 'The downloader (aria2) refused to create the task', description: 'Check the link, and the aria2 settings and log of the Cloudreve node.' }
				: { message: 'Cloudreve could not complete the operation' };
		case 40006:
			return { message: 'The storage policy refused the upload', description: 'The folder\'s storage policy changed or is not usable by this account; an admin can check the user group\'s storage policy.' };
		case 40011:
		case 400011:
			return { message: 'The upload session expired or is unknown', description: 'Run the item again; the node starts a new upload.' };
		case 40012:
		case 400012:
			return { message: 'Cloudreve refused a chunk out of order', description: 'Run the item again. If it keeps happening, please report it with the server version.' };
		case 40013:
		case 400013:
			return { message: 'Cloudreve refused a chunk of the wrong size', description: 'A proxy may change request bodies. Please report it with the server version.' };
		case 40014:
			return { message: 'This account\'s user group may not create direct links (or not for this many files)', description: 'An admin can allow direct (source) links for the group in the Cloudreve dashboard.' };
		case 40044:
			return { message: 'The file does not exist', description: 'Check the path.' };
		case 40049:
			return { message: 'The file is larger than the storage policy allows', description: 'An admin can raise the maximum file size of the storage policy, or upload a smaller file.' };
		case 40050:
			return { message: 'The storage policy does not allow this file extension', description: 'Rename the file to an allowed extension, or ask an admin to allow it in the storage policy.' };
		case 40054:
			return { message: 'A file with this name is being uploaded right now', description: 'Wait for the other upload to finish (or cancel it in Cloudreve), then run the item again.' };
		case 40074:
			return { message: 'Too many files in one request', description: 'Send fewer files at once.' };
		case 40077:
			return { message: 'This is a folder, not a file', description: 'Choose a file.' };
		case 40078:
			return { message: 'The file is in the trash', description: 'Restore it in Cloudreve first.' };
		case 40051:
			return { message: 'Not enough storage space left on the Cloudreve account', description: 'Free some space or ask an admin for more capacity.' };
		case 40052:
			return { message: 'Cloudreve rejected a folder or file name as invalid', description: 'Names must not contain \\ / : * ? " < > | and must be shorter than 256 bytes.' };
		case 40053:
			return { message: 'Cloudreve refused to change the root folder', description: 'Use an absolute path below the root, e.g. /Downloads.' };
		case 40073:
			return { message: 'The file or folder is locked by another operation', description: 'Retry when the other operation has finished.' };
		case 40080:
			return WRONG_LOGIN;
		case 40058:
			return SHARE_MISSING;
		case 40082:
			return { message: 'Only the owner may do this' };
		case 50001:
			return { message: 'Cloudreve\'s database reported an error', description: 'Check the Cloudreve server log.' };
		case 50004:
			return { message: 'Cloudreve could not read or write its storage', description: 'Check the Cloudreve server log and disk.' };
		case 50005:
			return context === 'addDownload' && server.generation === 'v3'
				? { message: 'Cloudreve has no working offline-download node (aria2)', description: 'An admin can enable aria2 on a node in the Cloudreve dashboard (Nodes) and check that aria2 is reachable.' }
				: { message: 'Cloudreve reported an internal setting error', description: 'Check the Cloudreve server log.' };
		default:
			return undefined;
	}
}

const SHARE_MISSING: Text = {
	message: 'No share link with this id',
	description: 'Check the Share ID (the "id" that Create or Get Many output). The link may have been deleted already, or belong to another account.',
};

const PATH_MISSING: Text = {
	message: 'The file or folder does not exist',
	description: 'Check the path; paths are written like /Downloads/report.pdf. A previous node may have moved or renamed it.',
};

function destinationMissing(): Text {
	return {
		message: 'The destination folder does not exist',
		description: 'Turn on "Create Destination" in the node\'s options, or create the folder first.',
	};
}

/** Message and description for a Cloudreve code; the server's msg, if any, is kept in brackets. */
export function describeCode(code: number, server: ServerInfo, context: CodeContext, serverMessage?: string): Text {
	const text = textFor(code, server, context) ?? { message: 'Cloudreve reported an error' };
	const detail = serverMessage && serverMessage.trim() !== '' ? `: ${serverMessage.trim()}` : '';
	return { message: `${text.message} (Cloudreve code ${code}${detail})`, description: text.description };
}

const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const TLS_CODES = new Set([
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
	'CERT_HAS_EXPIRED',
	'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function errorCode(error: unknown): string {
	let current = error as { code?: unknown; cause?: unknown } | undefined;
	for (let depth = 0; current && depth < 4; depth++) {
		if (typeof current.code === 'string' && current.code !== '') return current.code;
		current = current.cause as typeof current;
	}
	return '';
}

/**
 * A request that got no HTTP reply. Only the error code is used, never the error's text: axios
 * errors carry the request configuration, headers and all.
 */
export function describeNetworkFailure(error: unknown, url: string): CloudreveError {
	const code = errorCode(error);
	let host = url;
	try {
		host = new URL(url).host;
	} catch {
		// keep the url
	}
	if (code === 'ECONNREFUSED') {
		return new CloudreveError(`Could not connect to ${host}: connection refused`, {
			description: 'Is Cloudreve running, and are the host and port in the Server URL right?',
			kind: 'network',
			notSent: true,
		});
	}
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
		return new CloudreveError(`Unknown host ${host}`, {
			description: 'Check the host name in the Server URL; n8n\'s machine must be able to resolve it.',
			kind: 'network',
			notSent: true,
		});
	}
	if (code === 'ETIMEDOUT' || code === 'ECONNABORTED' || code === 'ESOCKETTIMEDOUT') {
		return new CloudreveError(`The request to ${host} timed out`, {
			description: 'The server did not answer in time. Check that it is up and reachable from n8n, or raise the timeout.',
			kind: 'network',
		});
	}
	if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE') {
		return new CloudreveError(`The connection to ${host} was closed before the reply was complete`, {
			description: 'A proxy or the server dropped the connection. Retry; if it keeps happening, check the proxy\'s timeouts and the Cloudreve log.',
			kind: 'network',
		});
	}
	if (TLS_CODES.has(code)) {
		return new CloudreveError(`The TLS certificate of ${host} is not trusted (${code}); to accept it, turn on "Ignore SSL Issues (Insecure)" in the credential`, {
			description: 'The server uses a self-signed or otherwise untrusted certificate. Turn on "Ignore SSL Issues (Insecure)" in the Cloudreve credential, or give the server a trusted certificate (or add its CA to n8n with NODE_EXTRA_CA_CERTS).',
			kind: 'network',
			notSent: true,
			permanent: true,
		});
	}
	return new CloudreveError(`Could not reach ${host}${code ? ` (${code})` : ''}`, {
		description: 'Check the Server URL and that n8n can reach the server.',
		kind: 'network',
		notSent: NOT_SENT.has(code),
	});
}
