/**
 * One CloudreveClient per execution: it reads the credential once, detects the server at most
 * once, and sends every request through n8n's httpRequestWithAuthentication, so logins happen
 * in the credential's preAuthentication and the session is stored by n8n.
 *
 * Cloudreve reports an expired session as HTTP 200 {"code":401}, which n8n (≤ 2.41) does not
 * recognise; it only refreshes on HTTP 401. So on a body 401 we hand n8n our credential data with
 * the session emptied: n8n then runs preAuthentication, stores the new session and sends the
 * request again. Should n8n learn to refresh on body codes, `isSessionRejected` is the one place
 * to hand that over.
 */
import type { ICredentialDataDecryptedObject, IExecuteFunctions, IHttpRequestOptions, IDataObject } from 'n8n-workflow';

import { CloudreveError, describeCode } from './errors';
import type { CodeContext } from './errors';
import type { Envelope, RetryPolicy, SendRequest, ServerInfo } from './protocol';
import { DEFAULT_TIMEOUT_MS, apiRoot, call, detectServer, normalizeServerUrl } from './protocol';
import type { FolderPath } from './paths';
import type { CreatedFolder, UrlResult } from './results';
import { failedResults } from './results';
import { apiVersionSetting, sessionOwner, storedServer, withTlsSetting } from './session';
import { V3Api } from './v3';
import { V4Api } from './v4';

export const CREDENTIAL_TYPE = 'cloudreveApi';

/** 40015: more links than the user group allows in one request (or too many running downloads). */
const BATCH_TOO_LARGE = 40015;

/** What each generation implements; operations only talk to this. */
export interface CloudreveApi {
	createFolder(folder: FolderPath, options: { errorIfExists: boolean }): Promise<CreatedFolder>;
	addOfflineDownloads(urls: string[], destination: FolderPath): Promise<UrlResult[]>;
}

interface Connection {
	server: ServerInfo;
	root: string;
	api: CloudreveApi;
}

function isSessionRejected(envelope: Envelope): boolean {
	return envelope.code === 401;
}

export class CloudreveClient {
	private connection?: Promise<Connection>;

	private credentials: ICredentialDataDecryptedObject = {};

	/** A refused login (or unusable login settings) is final for the execution: the other items must not try the password again. */
	private loginRefused?: CloudreveError;

	/** Destinations made sure of in this execution: one mkdir per distinct folder. */
	private readonly ensuredFolders = new Map<string, Promise<unknown>>();

	/** Per-request timeout; the router sets it from the item's Timeout option. */
	timeoutMs = DEFAULT_TIMEOUT_MS;

	constructor(private readonly context: IExecuteFunctions) {}

	/** The generation's API, connecting on first use. A failed connection fails every later call alike. */
	async api(): Promise<CloudreveApi> {
		this.connection ??= this.connect();
		return (await this.connection).api;
	}

	private async connect(): Promise<Connection> {
		this.credentials = { ...(await this.context.getCredentials(CREDENTIAL_TYPE)) };
		const serverUrl = normalizeServerUrl(this.credentials.serverUrl);
		let server = storedServer(this.credentials);
		if (server === undefined) {
			// Probe here, once, and tell preAuthentication the result so it does not probe again.
			server = await detectServer(
				withTlsSetting(async (options) => await this.context.helpers.httpRequest({ ...options, timeout: this.timeoutMs }), this.credentials),
				serverUrl,
				apiVersionSetting(this.credentials),
			);
			Object.assign(this.credentials, {
				session: '',
				serverGeneration: server.generation,
				serverVersion: server.version,
				sessionFor: sessionOwner(this.credentials),
			});
		}
		const api = server.generation === 'v3' ? new V3Api(this, server) : new V4Api(this, server);
		return { server, root: apiRoot(serverUrl, server.generation), api };
	}

	private async send(options: IHttpRequestOptions, retry: RetryPolicy) {
		const node = this.context.getNode();
		const reference = node.credentials?.[CREDENTIAL_TYPE];
		const sendRequest: SendRequest = async (requestOptions) =>
			await this.context.helpers.httpRequestWithAuthentication.call(this.context, CREDENTIAL_TYPE, requestOptions, {
				// Our copy, so that a new session from preAuthentication lands here too.
				credentialsDecrypted: {
					id: reference?.id ?? '',
					name: reference?.name ?? '',
					type: CREDENTIAL_TYPE,
					data: this.credentials,
				},
			});
		if (this.loginRefused) throw this.loginRefused;
		const { envelope } = await call(sendRequest, { ...options, timeout: this.timeoutMs }, retry).catch((error: unknown) => {
			if (error instanceof CloudreveError && (error.kind === 'login' || error.kind === 'config')) this.loginRefused = error;
			throw error;
		});
		return envelope;
	}

	/**
	 * Sends one API request (path below /api/vN) and returns the envelope, whatever its code.
	 * A rejected session is renewed once (the request was refused, so sending it again is safe);
	 * a second rejection in a row is an error. `retry` says whether transient failures may be
	 * sent again (see RetryPolicy).
	 */
	async request(method: IHttpRequestOptions['method'], path: string, body?: IDataObject, retry: RetryPolicy = 'always'): Promise<Envelope> {
		const { root, server } = await this.connection!;
		const options: IHttpRequestOptions = { method, url: `${root}${path}`, body };
		let envelope = await this.send(options, retry);
		if (isSessionRejected(envelope)) {
			this.credentials.session = '';
			envelope = await this.send(options, retry);
			if (isSessionRejected(envelope)) {
				const { message, description } = describeCode(401, server, 'request', envelope.msg);
				throw new CloudreveError(message, { description, kind: 'session', cloudreveCode: 401 });
			}
		}
		return envelope;
	}

	/** The error for a non-zero envelope, in words for what the request was for. */
	async failure(envelope: Envelope, context: CodeContext): Promise<CloudreveError> {
		const { server } = await this.connection!;
		const { message, description } = describeCode(envelope.code, server, context, envelope.msg);
		return new CloudreveError(message, { description, kind: 'api', cloudreveCode: envelope.code });
	}

	/**
	 * Adds links in requests the user group accepts. Its limit on links per request (40015) is not
	 * known up front, so a refused request is split in halves; a refused request queued nothing,
	 * so no link is ever added twice. Once split, every part keeps its own results: a part that
	 * fails never hides the links other parts queued. A single link refused with 40015 means the
	 * group's running-download limit is reached, so the links after it are not sent.
	 */
	async inBatchesThatFit(urls: string[], add: (part: string[]) => Promise<UrlResult[]>): Promise<UrlResult[]> {
		let limitReached: CloudreveError | undefined;
		const sendPart = async (part: string[], split: boolean): Promise<UrlResult[]> => {
			if (limitReached) return failedResults(part, limitReached, false);
			return await add(part).catch(async (error: unknown) => {
				if (!(error instanceof CloudreveError)) throw error;
				if (error.cloudreveCode === BATCH_TOO_LARGE && part.length > 1) {
					const half = Math.ceil(part.length / 2);
					return [...(await sendPart(part.slice(0, half), true)), ...(await sendPart(part.slice(half), true))];
				}
				// Before any split, the request as a whole failed: the operation reports that.
				if (!split) throw error;
				if (error.cloudreveCode === BATCH_TOO_LARGE) limitReached = error;
				return failedResults(part, error, true);
			});
		};
		return await sendPart(urls, false);
	}

	/** Creates `folder` (and its parents) once per execution, however many items name it. */
	async ensureFolder(folder: FolderPath): Promise<void> {
		const key = folder.join('/');
		let pending = this.ensuredFolders.get(key);
		if (pending === undefined) {
			pending = (await this.api()).createFolder(folder, { errorIfExists: false });
			this.ensuredFolders.set(key, pending);
			// A failure is not remembered: the next item may try again.
			pending.catch(() => this.ensuredFolders.delete(key));
		}
		await pending;
	}
}
