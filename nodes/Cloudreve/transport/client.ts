/**
 * One CloudreveClient per execution: it reads the credential once, detects the server at most
 * once, and sends every request through n8n's httpRequestWithAuthentication, so logins happen
 * in the credential's preAuthentication and the session is stored by n8n. It implements the
 * Transport that the generations' folders use, and hands operations their generation's API.
 *
 * Cloudreve reports an expired session as HTTP 200 {"code":401}, which n8n (≤ 2.41) does not
 * recognise; it only refreshes on HTTP 401. So on a body 401 we hand n8n our credential data with
 * the session emptied: n8n then runs preAuthentication, stores the new session and sends the
 * request again. Should n8n learn to refresh on body codes, `isSessionRejected` is the one place
 * to hand that over. Executions of the same process share renewals (shared-sessions.ts), so a
 * busy worker logs in once per expiry, not once per execution.
 */
import type { ICredentialDataDecryptedObject, IExecuteFunctions, IHttpRequestOptions, IN8nHttpFullResponse, ILoadOptionsFunctions, IPollFunctions } from 'n8n-workflow';

import type { CloudreveApi } from './contract';
import type { CodeContext } from './core/errors';
import { CloudreveError, describeCode } from './core/errors';
import type { Envelope, RetryPolicy, SendRequest } from './core/http';
import { DEFAULT_TIMEOUT_MS, apiRoot, asCloudreveError, call, detectServer, normalizeServerUrl, requestOptions } from './core/http';
import type { ServerInfo } from './core/server';
import type { ApiRequest, Transport } from './core/transport';
import type { FolderPath } from './paths';
import { apiVersionSetting, sessionOwner, storedServer, withTlsSetting } from './session';
import { adoptOrRenew } from './shared-sessions';
import { V3Api } from './v3/api';
import { V4Api } from './v4/api';

export const CREDENTIAL_TYPE = 'cloudreveApi';

export { DEFAULT_TIMEOUT_MS };

/** The n8n contexts a client works in: node executions, list searches (pickers) and polls. */
export type ClientContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

interface Connection {
	server: ServerInfo;
	serverUrl: string;
	root: string;
	api: CloudreveApi;
}

function isSessionRejected(envelope: Envelope): boolean {
	return envelope.code === 401;
}

export class CloudreveClient implements Transport {
	private connection?: Promise<Connection>;

	private connected?: Connection;

	private credentials: ICredentialDataDecryptedObject = {};

	/** A refused login (or unusable login settings) is final for the execution: the other items must not try the password again. */
	private loginRefused?: CloudreveError;

	/** Destinations made sure of in this execution: one mkdir per distinct folder. */
	private readonly ensuredFolders = new Map<string, Promise<unknown>>();

	/** Per-request timeout; the router sets it from the item's Timeout option. */
	timeoutMs = DEFAULT_TIMEOUT_MS;

	constructor(private readonly context: ClientContext) {}

	/** The generation's API, connecting on first use. A failed connection fails every later call alike. */
	async api(): Promise<CloudreveApi> {
		this.connection ??= this.connect();
		return (await this.connection).api;
	}

	get server(): ServerInfo {
		return this.live().server;
	}

	get serverUrl(): string {
		return this.live().serverUrl;
	}

	private live(): Connection {
		if (this.connected === undefined) throw new CloudreveError('Not connected to Cloudreve yet', { kind: 'config' });
		return this.connected;
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
		const api = server.generation === 'v3' ? new V3Api(this) : new V4Api(this);
		const connection = { server, serverUrl, root: apiRoot(serverUrl, server.generation), api };
		this.connected = connection;
		return connection;
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

	/** Which credential, account and server a session belongs to, for sharing it in this process. */
	private sessionKey(): string {
		const reference = this.context.getNode().credentials?.[CREDENTIAL_TYPE];
		return `${reference?.id ?? reference?.name ?? ''} ${sessionOwner(this.credentials)}`;
	}

	/** The session stored with the credential now: another process (a queue-mode worker) may have renewed it. */
	private async storedSession(): Promise<string> {
		const stored = await this.context.getCredentials(CREDENTIAL_TYPE).catch(() => undefined);
		return typeof stored?.session === 'string' && stored.sessionFor === this.credentials.sessionFor ? stored.session : '';
	}

	/**
	 * Renews a rejected (or missing) session: with the one stored meanwhile by another process, if
	 * it works, else by sending with an empty session, so that n8n logs in (preAuthentication) and
	 * stores the new one. A rejection right after logging in is an error.
	 */
	private async renewAndSend(options: IHttpRequestOptions, retry: RetryPolicy, stale: string): Promise<{ session: string; result: Envelope }> {
		const { server } = await this.connection!;
		const stored = await this.storedSession();
		if (stored !== '' && stored !== stale) {
			this.credentials.session = stored;
			const envelope = await this.send(options, retry);
			if (!isSessionRejected(envelope)) return { session: stored, result: envelope };
		}
		this.credentials.session = '';
		const envelope = await this.send(options, retry);
		if (isSessionRejected(envelope)) {
			const { message, description } = describeCode(401, server, 'request', envelope.msg);
			throw new CloudreveError(message, { description, kind: 'session', cloudreveCode: 401 });
		}
		return { session: typeof this.credentials.session === 'string' ? this.credentials.session : '', result: envelope };
	}

	/**
	 * A rejected session is renewed once (the request was refused, so sending it again is safe):
	 * with the session another execution of this process just got, if any (one renewal per
	 * process at a time), else as renewAndSend does. `retry` says whether transient failures may
	 * be sent again (see RetryPolicy).
	 */
	async request({ method, path, body, headers, retry = 'always' }: ApiRequest): Promise<Envelope> {
		const { root } = await this.connection!;
		const options: IHttpRequestOptions = { method, url: `${root}${path}`, body, headers };
		const key = this.sessionKey();
		let stale = typeof this.credentials.session === 'string' ? this.credentials.session : '';
		if (stale !== '') {
			const envelope = await this.send(options, retry);
			if (!isSessionRejected(envelope)) return envelope;
		}
		for (let attempt = 0; ; attempt++) {
			const outcome = await adoptOrRenew(key, stale, async () => await this.renewAndSend(options, retry, stale));
			if ('renewed' in outcome) return outcome.renewed;
			this.credentials.session = outcome.adopted;
			const envelope = await this.send(options, retry);
			// The adopted session may be rejected too (it expired as well): then renew it in turn.
			if (!isSessionRejected(envelope) || attempt > 0) return envelope;
			stale = outcome.adopted;
		}
	}

	failure(envelope: Envelope, context: CodeContext): CloudreveError {
		const { message, description } = describeCode(envelope.code, this.server, context, envelope.msg);
		return new CloudreveError(message, { description, kind: 'api', cloudreveCode: envelope.code });
	}

	async openStream(url: string): Promise<IN8nHttpFullResponse> {
		return await this.external({ method: 'GET', url, encoding: 'stream', json: false });
	}

	async external(options: IHttpRequestOptions): Promise<IN8nHttpFullResponse> {
		const tls = this.credentials.allowUnauthorizedCerts === true ? { skipSslCertificateValidation: true } : {};
		return (await this.context.helpers
			.httpRequest({
				...requestOptions({ json: false, ...options }),
				...tls,
				timeout: options.timeout ?? this.timeoutMs,
				abortSignal: 'getExecutionCancelSignal' in this.context ? this.context.getExecutionCancelSignal() : undefined,
			})
			.catch((error: unknown) => {
				throw asCloudreveError(error, options.url);
			})) as IN8nHttpFullResponse;
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
