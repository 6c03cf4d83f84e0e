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
