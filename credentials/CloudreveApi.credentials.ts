import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { applySession, startSession } from '../nodes/Cloudreve/transport/session';

export class CloudreveApi implements ICredentialType {
	name = 'cloudreveApi';

	displayName = 'Cloudreve API';

	icon: Icon = { light: 'file:../icons/cloudreve.svg', dark: 'file:../icons/cloudreve.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-cloudreve/n8n-nodes-cloudreve#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Server URL',
			name: 'serverUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. https://cloud.example.com',
			description: 'The address you open Cloudreve at, including a sub-path if it has one (https://example.com/cloudreve)',
		},
		{
			displayName: 'Email',
			name: 'email',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. name@example.com',
			description: 'Email address of the Cloudreve account',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: '2FA Secret (TOTP)',
			name: 'totpSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'e.g. JBSWY3DPEHPK3PXP',
			description: 'Only for accounts with two-factor authentication: the base32 secret Cloudreve showed when 2FA was turned on. The node then computes the 6-digit codes itself.',
		},
		// A boolean switch, not a secret: the rule matches "auth" inside the (fixed) field name.
		// eslint-disable-next-line @n8n/community-nodes/credential-password-field
		{
			displayName: 'Ignore SSL Issues (Insecure)',
			name: 'allowUnauthorizedCerts',
			type: 'boolean',
			default: false,
			description: 'Whether to connect even if the server\'s TLS certificate cannot be verified (self-signed). Anyone between n8n and the server could then read the password.',
		},
		{
			displayName: 'API Version',
			name: 'apiVersion',
			type: 'options',
			default: 'auto',
			options: [
				{ name: 'Auto-Detect', value: 'auto', description: 'Ask the server whether it runs Cloudreve 3.x or 4.x' },
				{ name: 'Cloudreve 3.x', value: 'v3', description: 'The /api/v3 API with a session cookie' },
				{ name: 'Cloudreve 4.x', value: 'v4', description: 'The /api/v4 API with a bearer token' },
			],
		},
		// Filled by preAuthentication; n8n logs in again when `session` is empty. It holds the
		// session cookie or token, so it is a secret: n8n never sends password fields to the browser.
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password
		{
			displayName: 'Session',
			name: 'session',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{ displayName: 'Server Generation', name: 'serverGeneration', type: 'hidden', default: '' },
		{ displayName: 'Server Version', name: 'serverVersion', type: 'hidden', default: '' },
		{ displayName: 'Session For', name: 'sessionFor', type: 'hidden', default: '' },
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		return await startSession(async (options) => await this.helpers.httpRequest(options), credentials);
	}

	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		return applySession(credentials, requestOptions);
	}

	// Logs in for real (n8n forces preAuthentication when testing), then asks who is logged in.
	test: ICredentialTestRequest = {
		request: {
			method: 'GET',
			url: '/user/me',
			json: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'code',
					value: 401,
					message: 'Logged in, but Cloudreve did not accept the new session. Check the server\'s session store and clock.',
				},
			},
		],
	};
}
