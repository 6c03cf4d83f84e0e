/** Workflows and credentials for the end-to-end suites (real n8n CLI against the fake server). */
import { DEMO_USER, FakeCloudreve } from '../fake-cloudreve/server';
import type { N8nLine } from '../../scripts/n8n-runtime';
import { N8nHome, NODE_TYPE, cloudreveCredential, ensureN8n, installPackedPackage } from '../../scripts/n8n-runtime';

export interface RealN8n {
	home: N8nHome;
	servers: Record<string, FakeCloudreve>;
}

/**
 * For a suite: a throwaway n8n user folder with the packed tarball installed as n8n's installer
 * does, and one fake server per Cloudreve version; all removed after the suite.
 */
export function useRealN8n(line: N8nLine, versions: string[]): RealN8n {
	const setup = { servers: {} } as RealN8n;
	beforeAll(async () => {
		const install = ensureN8n(line);
		setup.home = N8nHome.temporary(install);
		installPackedPackage(setup.home.userFolder);
		for (const version of versions) {
			setup.servers[version] = new FakeCloudreve({ version, lifetimeMs: 30 * 60_000 });
			await setup.servers[version].start();
		}
	});
	afterAll(async () => {
		await Promise.all(Object.values(setup.servers).map(async (server) => await server.stop()));
		setup.home?.dispose();
	});
	return setup;
}

export function credentialFor(id: string, server: FakeCloudreve, password = DEMO_USER.password) {
	return cloudreveCredential(id, { serverUrl: server.url, email: DEMO_USER.email, password, apiVersion: 'auto' });
}

interface CloudreveStep {
	name: string;
	parameters: Record<string, unknown>;
	continueOnFail?: boolean;
}

/** Manual Trigger → Code (the given items) → one Cloudreve node per step, in a chain. */
export function pipeline(id: string, credentialId: string, items: Array<Record<string, unknown>>, steps: CloudreveStep[]) {
	const nodes: Array<Record<string, unknown>> = [
		{ id: `${id}-trigger`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{
			id: `${id}-items`,
			name: 'Items',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [200, 0],
			parameters: { jsCode: `return ${JSON.stringify(items.map((json) => ({ json })))};` },
		},
	];
	const connections: Record<string, unknown> = { Start: { main: [[{ node: 'Items', type: 'main', index: 0 }]] } };
	let previous = 'Items';
	steps.forEach((step, index) => {
		nodes.push({
			id: `${id}-step-${index}`,
			name: step.name,
			type: NODE_TYPE,
			typeVersion: 1,
			position: [400 + index * 200, 0],
			parameters: step.parameters,
			credentials: { cloudreveApi: { id: credentialId, name: `Cloudreve ${credentialId}` } },
			...(step.continueOnFail ? { onError: 'continueRegularOutput' } : {}),
		});
		connections[previous] = { main: [[{ node: step.name, type: 'main', index: 0 }]] };
		previous = step.name;
	});
	return { id, name: `e2e ${id}`, nodes, connections, settings: { executionOrder: 'v1' }, active: false };
}

export const rssLikeItems = (count: number, host = 'feeds.example') =>
	Array.from({ length: count }, (_, index) => ({ title: `Episode ${index + 1}`, link: `http://${host}/episode-${index + 1}.torrent` }));
