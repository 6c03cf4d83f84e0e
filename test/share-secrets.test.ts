/**
 * A share password reaches no error message, error description, Get Many output or n8n log line.
 * It may appear only in Create's output (where the user set it) and in the request to Cloudreve.
 * Runs successes and every kind of failure of share operations with a password, on both
 * generations, then searches everything; the positive controls show the search finds it where it is.
 */
import { Logger as N8nLogger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type { INodeExecutionData } from 'n8n-workflow';
import { LoggerProxy } from 'n8n-workflow';

import { DEMO_USER, FakeCloudreve } from './fake-cloudreve/server';
import { shareSettings } from './fake-cloudreve/shares';
import { CredentialStore, logLines, runNode } from './harness/n8n';

const PASSWORD = 'Sh4reSecretPw9';
/** Not letters and digits: refused on 4.x before anything is sent. */
const ODD_PASSWORD = `${PASSWORD}!%`;

/**
 * Everything n8n could show of an error or an output: message, description, context, cause chain,
 * stack. Except `node`: n8n attaches the node itself (its parameters, where the user typed the
 * password) to every node error; that is the workflow, not a message.
 */
function everything(value: unknown): string {
	const seen = new WeakSet();
	const plain = (v: unknown, depth: number): unknown => {
		if (depth > 8 || v === null || typeof v !== 'object') return v;
		if (seen.has(v)) return '[circular]';
		seen.add(v);
		const out: Record<string, unknown> = {};
		for (const key of Object.getOwnPropertyNames(v)) if (key !== 'node') out[key] = plain((v as Record<string, unknown>)[key], depth + 1);
		return out;
	};
	return JSON.stringify(plain(value, 0));
}

const create = (path: string, options: Record<string, unknown>) => ({ resource: 'share', operation: 'create', path, options });

describe('Share passwords', () => {
	/** Errors thrown, and the error items of continue-on-fail. */
	const failures: string[] = [];
	/** Get Many outputs: the user did not set the password there. */
	const listings: string[] = [];
	/** Create outputs with the password set: where it belongs. */
	const created: INodeExecutionData[][] = [];
	const requestBodies: string[] = [];
	let logLinesBefore = 0;
	let logLinesAfter = 0;

	async function attempt(promise: Promise<INodeExecutionData[]>) {
		try {
			const output = await promise;
			for (const item of output) {
				if (item.json.error !== undefined) failures.push(everything(item.json));
			}
			return output;
		} catch (error) {
			failures.push(everything(error));
			return [];
		}
	}

	beforeAll(async () => {
		logLinesBefore = logLines.length;
		for (const version of ['3.4.3', '3.8.3', '4.0.0', '4.0.0-beta.9']) {
			const server = new FakeCloudreve({ version });
			await server.start();
			try {
				const store = CredentialStore.forServer(server.url, DEMO_USER.email, DEMO_USER.password);
				server.addFile('/s/a.txt', 'A');
				const beta = version.includes('beta');
				const run = (parameters: Record<string, unknown>, continueOnFail = false) => attempt(runNode({ store, typeVersion: 1.1, parameters, continueOnFail }));

				if (!beta) created.push(await run(create('/s/a.txt', { password: PASSWORD, expiresIn: 600, downloadLimit: 3 })));
				// every kind of failure, with and without continue-on-fail
				for (const continueOnFail of [false, true]) {
					await run(create('/s/missing.txt', { password: PASSWORD, downloadLimit: 3 }), continueOnFail);
					await run(create('/s/a.txt', { password: PASSWORD, expiresIn: 600 }), continueOnFail);
					await run(create('/s/a.txt', { password: ODD_PASSWORD }), continueOnFail);
					shareSettings(server).groupAllowsShare = false;
					await run(create('/s/a.txt', { password: PASSWORD, downloadLimit: 1 }), continueOnFail);
					shareSettings(server).groupAllowsShare = true;
					server.faults = [{ path: '/share', times: 1, action: { kind: 'status', status: 502 } }];
					await run(create('/s/a.txt', { password: PASSWORD, downloadLimit: 1 }), continueOnFail);
					server.faults = [{ path: '/share', times: 1, action: { kind: 'html' } }];
					await run(create('/s/a.txt', { password: PASSWORD, downloadLimit: 1 }), continueOnFail);
					server.faults = [{ path: '/share', times: 1, action: { kind: 'reset', afterHandling: true } }];
					await run(create('/s/a.txt', { password: PASSWORD, downloadLimit: 1 }), continueOnFail);
					server.faults = [{ path: '/share', times: 1, action: { kind: 'json', body: { code: 40001, msg: 'Parameter error' } } }];
					await run(create('/s/a.txt', { password: PASSWORD, downloadLimit: 1 }), continueOnFail);
					server.faults = [];
				}
				listings.push(everything(await run({ resource: 'share', operation: 'getMany', returnAll: true, options: {} })));
				await run({ resource: 'share', operation: 'delete', shareId: 'Snope1', options: {} }, true);
				requestBodies.push(...server.requests.map((request) => request.rawBody));
			} finally {
				await server.stop();
			}
		}
		logLinesAfter = logLines.length;
	});

	test('the scenarios succeeded and failed as meant', () => {
		expect(created).toHaveLength(3);
		expect(failures.length).toBeGreaterThanOrEqual(40);
		const text = failures.join('\n');
		expect(text).toContain('The file or folder does not exist');
		expect(text).toContain('set Options → Download Limit too');
		expect(text).toContain('Invalid Password');
		expect(text).toContain('cannot set a custom share password');
		expect(text).toContain('may not create share links');
		expect(text).toContain('No share link with this id');
		// 3.4.3, 3.8.3 and 4.0.0 list the share made with a password (the beta made none).
		const nonEmpty = listings.filter((listing) => listing !== '{"length":0}');
		expect(nonEmpty).toHaveLength(3);
		expect(nonEmpty.every((listing) => listing.includes('"hasPassword":true'))).toBe(true);
	});

	test('positive control: the password is in Create\'s output, in the link on 4.x, and in the request to Cloudreve', () => {
		for (const output of created) {
			expect(output[0].json.password).toBe(PASSWORD);
			expect(everything(output)).toContain(PASSWORD);
		}
		expect(String(created[2][0].json.url)).toMatch(new RegExp(`/${PASSWORD}$`));
		expect(requestBodies.join('\n')).toContain(PASSWORD);
	});

	test('no error message, description or continue-on-fail item contains the password', () => {
		const text = failures.join('\n');
		expect(text).not.toContain(PASSWORD);
		expect(text).not.toContain(ODD_PASSWORD);
	});

	test('Get Many never shows a password, not even inside a 4.x private link', () => {
		expect(listings.join('\n')).not.toContain(PASSWORD);
	});

	test('no n8n log line contains the password', () => {
		expect(logLines.slice(logLinesBefore, logLinesAfter).join('\n')).not.toContain(PASSWORD);
		// positive control: lines logged through n8n's logger proxy and through n8n-core's own Logger
		// (what a node's this.logger is) are captured, and the scan finds the password in them
		LoggerProxy.debug(`control ${PASSWORD}`);
		Container.get(N8nLogger).info(`control ${PASSWORD}`);
		expect(logLines.slice(logLinesAfter).filter((line) => line.includes(PASSWORD))).toHaveLength(2);
	});
});
