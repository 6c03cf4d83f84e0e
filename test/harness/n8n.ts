/**
 * Runs our node and credential through n8n's own machinery (n8n-core's ExecuteContext and
 * RoutingNode, n8n-workflow's Workflow and expressions), as n8n 2.41 does.
 *
 * The one piece n8n keeps in its CLI package, CredentialsHelper (the encrypted credential store),
 * is replaced by CredentialStore below, which follows the CLI's rules (packages/cli/src/
 * credentials-helper.ts): preAuthentication runs when the hidden expirable field is empty, when
 * the caller says the credential expired, or when testing; its output is merged into the stored
 * data; a function `authenticate` is called as is. The end-to-end suite runs the real CLI.
 */
import { Logger as N8nLogger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type {
	IBinaryData,
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialType,
	IExecuteData,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IRunExecutionData,
	IWorkflowExecuteAdditionalData,
	Logger,
} from 'n8n-workflow';
import { ICredentialsHelper, LoggerProxy, Workflow } from 'n8n-workflow';
import { BinaryDataService, ExecuteContext, LoadOptionsContext, PollContext, RoutingNode } from 'n8n-core';

import { CloudreveApi } from '../../credentials/CloudreveApi.credentials';
import { Cloudreve } from '../../nodes/Cloudreve/Cloudreve.node';
import { CloudreveTrigger } from '../../nodes/Cloudreve/CloudreveTrigger.node';

export const NODE_TYPE = 'n8n-nodes-cloudreve.cloudreve';
const credentialType: ICredentialType = new CloudreveApi();

/** Everything n8n's logger was asked to print during the tests, for the secrets scan. */
export const logLines: string[] = [];

function capture(level: string) {
	return (message: string, meta?: object) => {
		logLines.push(`${level} ${message} ${meta ? safeStringify(meta) : ''}`);
	};
}

function safeStringify(value: unknown): string {
	const seen = new WeakSet();
	return JSON.stringify(value, (_key, v: unknown) => {
		if (typeof v === 'object' && v !== null) {
			if (seen.has(v)) return '[circular]';
			seen.add(v);
		}
		return v;
	});
}

const logger = { error: capture('error'), warn: capture('warn'), info: capture('info'), debug: capture('debug') } as unknown as Logger;
(logger as unknown as { scoped: () => Logger }).scoped = () => logger;
LoggerProxy.init(logger);
// n8n-core's own Logger (from the DI container) would otherwise replace the proxy's logger when
// first built (by the binary data service) and take every later line.
Container.set(N8nLogger, logger as unknown as N8nLogger);

/** The encrypted credential row of n8n's database, in memory. */
export class CredentialStore extends ICredentialsHelper {
	readonly id = 'cred-cloudreve-1';

	readonly name = 'Cloudreve account';

	/** How often the stored data was written (n8n persists every preAuthentication result). */
	saves = 0;

	constructor(public data: ICredentialDataDecryptedObject) {
		super();
	}

	static forServer(serverUrl: string, email: string, password: string, extra: ICredentialDataDecryptedObject = {}): CredentialStore {
		return new CredentialStore({ serverUrl, email, password, apiVersion: 'auto', ...extra });
	}

	/** Stored data with the credential type's defaults applied, as getDecrypted returns it. */
	withDefaults(): ICredentialDataDecryptedObject {
		const result: ICredentialDataDecryptedObject = {};
		for (const property of credentialType.properties) result[property.name] = property.default as string;
		return { ...result, ...structuredClone(this.data) };
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async getDecrypted(): Promise<ICredentialDataDecryptedObject> {
		return this.withDefaults();
	}

	async authenticate(credentials: ICredentialDataDecryptedObject, _type: string, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const authenticate = credentialType.authenticate as (c: ICredentialDataDecryptedObject, r: IHttpRequestOptions) => Promise<IHttpRequestOptions>;
		return await authenticate(credentials, requestOptions);
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		_type: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const expirable = credentialType.properties.find((p) => p.type === 'hidden' && p.typeOptions?.expirable === true);
		if (!expirable || !credentialType.preAuthentication) return undefined;
		const testing = node.parameters?.temp === '' && node.type === 'n8n-nodes-base.noOp';
		if (credentials[expirable.name] !== '' && !credentialsExpired && !testing) return undefined;
		const output = (await credentialType.preAuthentication.call(
			{ helpers: { httpRequest: helpers.helpers.httpRequest } },
			credentials,
		)) as ICredentialDataDecryptedObject;
		if (output[expirable.name] === undefined) return undefined;
		if (!node.credentials) return undefined;
		this.data = { ...this.data, ...output };
		this.saves++;
		return Object.assign(credentials, output);
	}

	async updateCredentials(_node: unknown, _type: string, data: ICredentialDataDecryptedObject): Promise<void> {
		this.data = data;
		this.saves++;
	}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	async runPreAuthentication(): Promise<undefined> {
		return undefined;
	}

	async getCredentials(): Promise<never> {
		throw new Error('not used by these tests');
	}

	getCredentialsProperties() {
		return credentialType.properties;
	}
}

function nodeTypes(types: Record<string, INodeType>): INodeTypes {
	return {
		getByName: (name: string) => types[name],
		getByNameAndVersion: (name: string) => types[name],
		getKnownTypes: () => ({}),
	} as INodeTypes;
}

function additionalData(store: CredentialStore): IWorkflowExecuteAdditionalData {
	return {
		credentialsHelper: store,
		executionId: `exec-${Date.now()}`,
		restApiUrl: '',
		instanceBaseUrl: '',
		formWaitingBaseUrl: '',
		webhookBaseUrl: '',
		webhookWaitingBaseUrl: '',
		webhookTestBaseUrl: '',
		variables: {},
		currentNodeParameters: undefined,
	} as unknown as IWorkflowExecuteAdditionalData;
}

function emptyRunData(): IRunExecutionData {
	return {
		resultData: { runData: {} },
		executionData: { contextData: {}, nodeExecutionStack: [], metadata: {}, waitingExecution: {}, waitingExecutionSource: {} },
	} as unknown as IRunExecutionData;
}

export interface RunOptions {
	store: CredentialStore;
	parameters: Record<string, unknown>;
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
	/** 1: plain text folder paths (saved workflows); 1.1: the folder picker. */
	typeVersion?: number;
}

let binaryStore: Promise<BinaryDataService> | undefined;

/** n8n's binary data service in filesystem mode, below the test run's user folder (as n8n 2.x by default). */
export async function binaryDataService(): Promise<BinaryDataService> {
	binaryStore ??= (async () => {
		const service = Container.get(BinaryDataService);
		await service.init();
		return service;
	})();
	return await binaryStore;
}

function executeContext(store: CredentialStore, node: INode, items: INodeExecutionData[]): ExecuteContext {
	const workflow = new Workflow({ id: 'wf-test', nodes: [node], connections: {}, active: false, nodeTypes: nodeTypes({ [NODE_TYPE]: new Cloudreve() }) });
	const executeData: IExecuteData = { node, data: { main: [items] }, source: null };
	return new ExecuteContext(workflow, node, additionalData(store), 'manual', emptyRunData(), 0, items, { main: [items] }, executeData, []);
}

/** A file in n8n's binary store (with an id, streamed on read), as a previous node would output it. */
export async function storedBinary(bytes: Buffer, fileName: string, mimeType = 'application/octet-stream'): Promise<IBinaryData> {
	await binaryDataService();
	const node: INode = { id: 'bin', name: 'Binary', type: NODE_TYPE, typeVersion: 1.1, position: [0, 0], parameters: {} };
	const context = executeContext(new CredentialStore({}), node, [{ json: {} }]);
	return await context.helpers.prepareBinaryData(bytes, fileName, mimeType);
}

/** A file carried in the item itself (base64, no id): n8n 1.x's default in-memory mode. */
export function inlineBinary(bytes: Buffer, fileName: string, mimeType = 'application/octet-stream'): IBinaryData {
	return { data: bytes.toString('base64'), fileName, mimeType, fileSize: String(bytes.length) } as IBinaryData;
}

/** The bytes of an output binary, read back from n8n's store. */
export async function binaryBytes(binary: IBinaryData): Promise<Buffer> {
	const service = await binaryDataService();
	return await service.getAsBuffer(binary);
}

/** The folder picker's list, as the editor asks for it (n8n's LoadOptionsContext). */
export async function searchFolders(store: CredentialStore, filter?: string, paginationToken?: string) {
	const node: INode = {
		id: 'node-cloudreve',
		name: 'Cloudreve',
		type: NODE_TYPE,
		typeVersion: 1.1,
		position: [0, 0],
		parameters: { resource: 'file', operation: 'upload' },
		credentials: { cloudreveApi: { id: store.id, name: store.name } },
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: nodeTypes({ [NODE_TYPE]: new Cloudreve() }) });
	const context = new LoadOptionsContext(workflow, node, additionalData(store), 'parameters.folder');
	return await new Cloudreve().methods.listSearch.searchFolders.call(context, filter, paginationToken);
}

/** One execution of the Cloudreve node: what n8n's workflow runner does for a node, minus the graph. */
export async function runNode({ store, parameters, items = [{ json: {} }], continueOnFail = false, typeVersion = 1 }: RunOptions): Promise<INodeExecutionData[]> {
	await binaryDataService();
	const node: INode = {
		id: 'node-cloudreve',
		name: 'Cloudreve',
		type: NODE_TYPE,
		typeVersion,
		position: [0, 0],
		parameters: parameters as INode['parameters'],
		credentials: { cloudreveApi: { id: store.id, name: store.name } },
		...(continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
	};
	const context = executeContext(store, node, items);
	const result = await new Cloudreve().execute.call(context);
	return result[0];
}

/**
 * The credential's Test button: a temporary noOp node whose only parameter routes the credential's
 * test request, run through n8n's RoutingNode, judged like n8n's CredentialsTester judges it.
 */
export async function testCredential(store: CredentialStore): Promise<{ status: 'OK' | 'Error'; message: string }> {
	const test = credentialType.test!;
	const nodeType: INodeType = {
		description: {
			displayName: 'No Operation',
			name: 'n8n-nodes-base.noOp',
			group: ['transform'],
			version: 1,
			description: '',
			defaults: {},
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: 'cloudreveApi', required: true }],
			properties: [{ displayName: 'Temp', name: 'temp', type: 'string', routing: { request: test.request }, default: '' }],
		},
	} as unknown as INodeType;
	const node: INode = {
		id: 'temp',
		parameters: {},
		name: 'Temp-Node',
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: [0, 0],
		credentials: { cloudreveApi: { id: store.id, name: store.name } },
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: nodeTypes({ 'n8n-nodes-base.noOp': nodeType }) });
	const items = [{ json: {} }];
	const context = new ExecuteContext(workflow, node, additionalData(store), 'internal', { resultData: { runData: {} } } as IRunExecutionData, 0, [], { main: [items] }, { node, data: {}, source: null }, []);
	const credentialsDecrypted: ICredentialsDecrypted = { id: store.id, name: store.name, type: 'cloudreveApi', data: store.withDefaults() };
	let response: INodeExecutionData[][] | null | undefined;
	try {
		response = await new RoutingNode(context, nodeType, credentialsDecrypted).runNode();
	} catch (error) {
		const cause = (error as { cause?: { response?: { status: number; statusText?: string }; code?: string } }).cause;
		if (cause?.response) return { status: 'Error', message: cause.response.statusText || `Received HTTP status code: ${cause.response.status}` };
		if (cause?.code) return { status: 'Error', message: String(cause.code) };
		return { status: 'Error', message: String((error as Error).message) };
	}
	for (const rule of test.rules ?? []) {
		if (rule.type === 'responseSuccessBody' && (response![0][0].json as Record<string, unknown>)[rule.properties.key] === rule.properties.value) {
			return { status: 'Error', message: rule.properties.message };
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}

export const TRIGGER_TYPE = 'n8n-nodes-cloudreve.cloudreveTrigger';

export interface PollOptions {
	store: CredentialStore;
	parameters: Record<string, unknown>;
	/** The node's static data, as n8n keeps it for the workflow (a plain object here; mutated in place). */
	staticData: Record<string, unknown>;
	/** 'trigger' for an active workflow's poll, 'manual' for "Fetch Test Event". */
	mode?: 'trigger' | 'manual';
}

/** One poll of the Cloudreve Trigger through n8n-core's PollContext, as an active workflow runs it. */
export async function pollTrigger({ store, parameters, staticData, mode = 'trigger' }: PollOptions): Promise<INodeExecutionData[][] | null> {
	const node: INode = {
		id: 'node-cloudreve-trigger',
		name: 'Cloudreve Trigger',
		type: TRIGGER_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: parameters as INode['parameters'],
		credentials: { cloudreveApi: { id: store.id, name: store.name } },
	};
	const workflow = new Workflow({ id: 'wf-trigger', nodes: [node], connections: {}, active: mode !== 'manual', nodeTypes: nodeTypes({ [TRIGGER_TYPE]: new CloudreveTrigger() }) });
	const context = new PollContext(workflow, node, additionalData(store), mode, mode === 'manual' ? 'manual' : 'activate', undefined, undefined, undefined, undefined, () => staticData as never);
	return await new CloudreveTrigger().poll.call(context);
}
