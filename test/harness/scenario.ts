/** Small builders so that tests read like what a user does. */
import type { INodeExecutionData } from 'n8n-workflow';

import type { FakeCloudreveOptions } from '../fake-cloudreve/server';
import { DEMO_USER, FakeCloudreve } from '../fake-cloudreve/server';
import { CredentialStore } from './n8n';

/** The versions whose behaviours differ (doc §4.1, §5.1): 3.4 (mkdir 40004, string url, old codes), 3.5.2, 3.8.3, 4.x. */
export const VERSIONS = ['3.4.3', '3.5.2', '3.8.3', '4.0.0'] as const;

export interface Setup {
	server: FakeCloudreve;
	store: CredentialStore;
}

/** Starts a fake server and a credential for its demo account; stops the server afterwards. */
export async function withServer<T>(options: FakeCloudreveOptions, run: (setup: Setup) => Promise<T>): Promise<T> {
	const server = new FakeCloudreve(options);
	await server.start();
	try {
		const store = CredentialStore.forServer(server.url, DEMO_USER.email, DEMO_USER.password);
		return await run({ server, store });
	} finally {
		await server.stop();
	}
}

export function rssItems(count: number, prefix = 'http://feeds.example/episode'): INodeExecutionData[] {
	return Array.from({ length: count }, (_, index) => ({ json: { title: `Episode ${index + 1}`, link: `${prefix}-${index + 1}.torrent` } }));
}

export const addDownload = (urls: unknown, destination: unknown, options: Record<string, unknown> = {}) => ({
	resource: 'offlineDownload',
	operation: 'add',
	urls,
	destination,
	options,
});

export const createFolder = (path: unknown, options: Record<string, unknown> = {}) => ({
	resource: 'folder',
	operation: 'create',
	path,
	options,
});

/** Runs `promise`, expecting it to fail; returns the error. */
export async function failureOf(promise: Promise<unknown>): Promise<Error & { description?: string; context?: { itemIndex?: number } }> {
	try {
		await promise;
	} catch (error) {
		return error as Error & { description?: string };
	}
	throw new Error('expected a failure, got success');
}
