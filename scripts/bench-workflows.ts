/**
 * The workflows `npm run bench` imports. Each starts with n8n's own "Read/Write Files from Disk"
 * node reading the input file, so the binary arrives the way a real workflow's would: streamed into
 * n8n's binary store (filesystem mode), with an id, not inline.
 */
import { NODE_TYPE } from './n8n-runtime';

type WorkflowNode = Record<string, unknown> & { name: string };

const trigger: WorkflowNode = { id: 'bench-trigger', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };

function readFile(path: string): WorkflowNode {
	return {
		id: 'bench-read',
		name: 'Read File',
		type: 'n8n-nodes-base.readWriteFile',
		typeVersion: 1,
		position: [200, 0],
		parameters: { operation: 'read', fileSelector: path, options: {} },
	};
}

/** Nodes in a chain, each feeding the next. */
function chain(id: string, name: string, nodes: WorkflowNode[]) {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < nodes.length; i++) connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	nodes.forEach((node, index) => (node.position = [index * 200, 0]));
	return { id, name, nodes, connections, settings: { executionOrder: 'v1' }, active: false };
}

/** Read File → Cloudreve File Upload into /bench → Cloudreve File Download of the same file. */
export function cloudreveWorkflow(id: string, credentialId: string, inputPath: string, fileName: string) {
	const credentials = { cloudreveApi: { id: credentialId, name: `Cloudreve ${credentialId}` } };
	return chain(id, `bench ${fileName} through the Cloudreve node`, [
		trigger,
		readFile(inputPath),
		{
			id: 'bench-upload',
			name: 'Upload',
			type: NODE_TYPE,
			typeVersion: 1.1,
			parameters: {
				resource: 'file',
				operation: 'upload',
				binaryPropertyName: 'data',
				folder: { __rl: true, mode: 'path', value: '/bench' },
				fileName,
				options: {},
			},
			credentials,
		},
		{
			id: 'bench-download',
			name: 'Download',
			type: NODE_TYPE,
			typeVersion: 1.1,
			parameters: { resource: 'file', operation: 'download', path: `/bench/${fileName}`, binaryPropertyName: 'data', options: {} },
			credentials,
		},
	]);
}

/**
 * What a user without this package would build with n8n's HTTP Request node (v4.2) on Cloudreve
 * 3.x: the binary as one request body into an existing file (PUT /file/update/:id), then a
 * download link (PUT /file/download/:id) and its bytes with response format File. The session
 * cookie is pasted in as a header, as such a user would have to.
 */
export function httpRequestWorkflow(id: string, inputPath: string, serverUrl: string, cookie: string, fileId: string) {
	const headers = { sendHeaders: true, headerParameters: { parameters: [{ name: 'Cookie', value: cookie }] } };
	const http = (nodeId: string, name: string, parameters: Record<string, unknown>): WorkflowNode => ({
		id: nodeId,
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters,
	});
	return chain(id, 'bench 1 GiB through the HTTP Request node', [
		trigger,
		readFile(inputPath),
		http('bench-http-upload', 'HTTP Upload', {
			method: 'PUT',
			url: `${serverUrl}/api/v3/file/update/${fileId}`,
			...headers,
			sendBody: true,
			contentType: 'binaryData',
			inputDataFieldName: 'data',
			options: {},
		}),
		http('bench-http-link', 'HTTP Download Link', { method: 'PUT', url: `${serverUrl}/api/v3/file/download/${fileId}`, ...headers, options: {} }),
		http('bench-http-download', 'HTTP Download', {
			method: 'GET',
			url: `={{ ${JSON.stringify(serverUrl)} + $json.data }}`,
			options: { response: { response: { responseFormat: 'file', outputPropertyName: 'data' } } },
		}),
	]);
}

/** Read File alone: what n8n itself needs to bring a file into its binary store (memory reference). */
export function readOnlyWorkflow(id: string, inputPath: string) {
	return chain(id, 'bench Read File alone', [trigger, readFile(inputPath)]);
}

// ---------------------------------------------------------------- requests: Add Offline Download

/** The folder every request-section workflow adds its links to. */
export const BENCH_FOLDER = '/Bench';

/**
 * A Code node putting out `count` items `{ link }`, links new in every execution (so that the
 * node's 3.x task look-up never meets tasks of an earlier run with the same link).
 */
function linkItems(count: number): WorkflowNode {
	const jsCode = [
		'const run = Date.now().toString(36) + Math.random().toString(36).slice(2, 6);',
		`return Array.from({ length: ${count} }, (_, i) => ({ json: { link: \`https://downloads.example/bench/\${run}/file-\${i + 1}.iso\` } }));`,
	].join('\n');
	return { id: 'bench-links', name: 'Links', type: 'n8n-nodes-base.code', typeVersion: 2, parameters: { jsCode } };
}

/** Manual Trigger → Code (`count` links) → Cloudreve Add Offline Download, default options. */
export function addDownloadsWorkflow(id: string, credentialId: string, count: number) {
	return chain(id, `bench: ${count} links through Add Offline Download`, [
		{ ...trigger },
		linkItems(count),
		{
			id: 'bench-add',
			name: 'Add Offline Download',
			type: NODE_TYPE,
			typeVersion: 1.1,
			parameters: {
				resource: 'offlineDownload',
				operation: 'add',
				urls: '={{ $json.link }}',
				destination: { __rl: true, mode: 'path', value: BENCH_FOLDER },
				options: {},
			},
			credentials: { cloudreveApi: { id: credentialId, name: `Cloudreve ${credentialId}` } },
		},
	]);
}

/** The node names of the hand-built chain whose executionTimes make up its wall time. */
export const CHAIN_HTTP_NODES = ['Login', 'Add Link'];

/**
 * What users build today without this package (n8n's HTTP Request node v4.2): log in, then one
 * request per link with the session. Manual Trigger → Login → Code (`count` links) → Add Link:
 * the login comes first, so it runs once without "Execute Once" (an Execute Once login after the
 * Code node would leave one item for the per-link node), and each link's request takes the
 * session from the Login node's output.
 *
 * 3.x: the cookie comes from the login's response headers ("Include Response Headers and Status");
 * POST /api/v3/aria2/url {"url":["<link>"],"dst":"/Bench"} with it. 4.x: the access token from the
 * login's body; POST /api/v4/workflow/download {"src":["<link>"],"dst":"cloudreve://my/Bench"}.
 */
export function httpChainWorkflow(id: string, serverUrl: string, generation: 'v3' | 'v4', email: string, password: string, count: number) {
	const http = (nodeId: string, name: string, parameters: Record<string, unknown>): WorkflowNode => ({
		id: nodeId,
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters,
	});
	const jsonBody = (body: string) => ({ sendBody: true, contentType: 'json', specifyBody: 'json', jsonBody: body });
	const header = (name: string, value: string) => ({ sendHeaders: true, specifyHeaders: 'keypair', headerParameters: { parameters: [{ name, value }] } });
	const login =
		generation === 'v3'
			? http('bench-login', 'Login', {
					method: 'POST',
					url: `${serverUrl}/api/v3/user/session`,
					...jsonBody(JSON.stringify({ userName: email, Password: password, captchaCode: '' })),
					options: { response: { response: { fullResponse: true } } },
				})
			: http('bench-login', 'Login', {
					method: 'POST',
					url: `${serverUrl}/api/v4/session/token`,
					...jsonBody(JSON.stringify({ email, password })),
					options: {},
				});
	const add =
		generation === 'v3'
			? http('bench-add-link', 'Add Link', {
					method: 'POST',
					url: `${serverUrl}/api/v3/aria2/url`,
					...header('Cookie', "={{ [].concat($('Login').first().json.headers['set-cookie'])[0].split(';')[0] }}"),
					...jsonBody(`={"url":["{{ $json.link }}"],"dst":"${BENCH_FOLDER}"}`),
					options: {},
				})
			: http('bench-add-link', 'Add Link', {
					method: 'POST',
					url: `${serverUrl}/api/v4/workflow/download`,
					...header('Authorization', "=Bearer {{ $('Login').first().json.data.token.access_token }}"),
					...jsonBody(`={"src":["{{ $json.link }}"],"dst":"cloudreve://my${BENCH_FOLDER}"}`),
					options: {},
				});
	return chain(id, `bench: ${count} links through HTTP Request nodes`, [{ ...trigger }, login, linkItems(count), add]);
}

/** The node name of the expression reference. */
export const FLOOR_NODE = 'Edit Fields';

/**
 * A reference for what n8n itself costs per item, without any request: Manual Trigger → Code
 * (`count` links) → Edit Fields (Set 3.4) putting out `link` = `={{ $json.link }}`, the very
 * expression the Cloudreve node reads, one item per item, like any node reading its parameters
 * per item.
 */
export function expressionFloorWorkflow(id: string, count: number) {
	return chain(id, `bench: ${count} items through Edit Fields (n8n's own per-item cost)`, [
		{ ...trigger },
		linkItems(count),
		{
			id: 'bench-set',
			name: FLOOR_NODE,
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			parameters: {
				mode: 'manual',
				assignments: { assignments: [{ id: 'bench-link', name: 'link', value: '={{ $json.link }}', type: 'string' }] },
				includeOtherFields: false,
				options: {},
			},
		},
	]);
}
