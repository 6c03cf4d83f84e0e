/**
 * `npm run dev`: a real n8n at http://localhost:5678 with this package installed as a community
 * package, a Cloudreve sandbox (the fake server from test/) seeded with a demo account, and a ready
 * credential plus example workflows imported.
 *
 *   npm run dev                                    # sandbox (Cloudreve 3.8.3)
 *   npm run dev -- --sandbox-version 4.0.0         # sandbox speaking Cloudreve 4.x
 *   npm run dev -- --cloudreve-url https://cloud.example.com --email me@example.com --password '…'
 *
 * Environment instead of flags: CLOUDREVE_URL, CLOUDREVE_EMAIL, CLOUDREVE_PASSWORD,
 * CLOUDREVE_API_VERSION, SANDBOX_VERSION, N8N_PORT, SANDBOX_PORT, N8N_LINE (1 or 2).
 */
import type { ChildProcess } from 'child_process';
import { mkdirSync } from 'fs';
import { homedir } from 'os';
import { join } from 'path';

import { DEMO_USER, FakeCloudreve } from '../test/fake-cloudreve/server';
import type { N8nLine } from './n8n-runtime';
import { N8nHome, cloudreveCredential, ensureN8n, exampleWorkflow, installPackedPackage, listExamples } from './n8n-runtime';

export const SANDBOX_CREDENTIAL_ID = 'cloudreveSandbox1';
export const DEMO_WORKFLOW_ID = 'cloudreveDemo0001';
/** The n8n owner account created on first start, so the editor opens without a sign-up form. */
export const OWNER = { email: 'owner@example.com', password: 'Cloudreve-Demo-1', firstName: 'Demo', lastName: 'Owner' };

export interface DevOptions {
	n8nLine: N8nLine;
	port: number;
	sandboxPort: number;
	sandboxVersion: string;
	/** A real Cloudreve instead of the sandbox. */
	cloudreve?: { url: string; email: string; password: string; apiVersion: string };
	/** n8n's user folder (database, settings, installed package); kept between starts. */
	userFolder: string;
	log: (line: string) => void;
	n8nLog?: (line: string) => void;
	/** Workflows to publish (activate) before n8n starts, e.g. the RSS and Webhook examples. */
	publish?: string[];
}

export interface DevSession {
	n8nUrl: string;
	sandbox?: FakeCloudreve;
	home: N8nHome;
	stop(): Promise<void>;
}

function cacheFolder(): string {
	return process.env.N8N_CLOUDREVE_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'n8n-nodes-cloudreve');
}

export function optionsFrom(argv: string[], env: NodeJS.ProcessEnv): DevOptions {
	const flag = (name: string): string | undefined => {
		const index = argv.indexOf(`--${name}`);
		return index >= 0 ? argv[index + 1] : argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=').slice(1).join('=');
	};
	const url = flag('cloudreve-url') ?? env.CLOUDREVE_URL;
	const options: DevOptions = {
		n8nLine: (flag('n8n') ?? env.N8N_LINE) === '1' ? 1 : 2,
		port: Number(flag('port') ?? env.N8N_PORT ?? 5678),
		sandboxPort: Number(flag('sandbox-port') ?? env.SANDBOX_PORT ?? 8765),
		sandboxVersion: flag('sandbox-version') ?? env.SANDBOX_VERSION ?? '3.8.3',
		userFolder: flag('user-folder') ?? join(cacheFolder(), 'dev-home'),
		publish: flag('publish')?.split(',').filter(Boolean),
		log: (line) => process.stdout.write(`${line}\n`),
	};
	if (url) {
		const email = flag('email') ?? env.CLOUDREVE_EMAIL;
		const password = flag('password') ?? env.CLOUDREVE_PASSWORD;
		if (!email || !password) throw new Error('--cloudreve-url needs --email and --password (or CLOUDREVE_EMAIL and CLOUDREVE_PASSWORD)');
		options.cloudreve = { url, email, password, apiVersion: flag('api-version') ?? env.CLOUDREVE_API_VERSION ?? 'auto' };
	}
	return options;
}

/** Creates n8n's owner account if the instance has none yet. */
async function ensureOwner(n8nUrl: string): Promise<void> {
	await fetch(`${n8nUrl}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'browser-id': 'cloudreve-dev' },
		body: JSON.stringify(OWNER),
	}).catch(() => undefined);
}

export async function startDev(options: DevOptions): Promise<DevSession> {
	const { log } = options;
	log('[1/5] n8n: checking the cached install (the first time takes a few minutes)');
	const install = ensureN8n(options.n8nLine);

	log('[2/5] building and packing n8n-nodes-cloudreve, installing it as a community package');
	mkdirSync(options.userFolder, { recursive: true });
	installPackedPackage(options.userFolder);
	const home = new N8nHome(install, options.userFolder);

	let sandbox: FakeCloudreve | undefined;
	let credentialData: Record<string, unknown>;
	if (options.cloudreve) {
		log(`[3/5] using the Cloudreve at ${options.cloudreve.url} (no sandbox)`);
		credentialData = { serverUrl: options.cloudreve.url, email: options.cloudreve.email, password: options.cloudreve.password, apiVersion: options.cloudreve.apiVersion };
	} else {
		sandbox = new FakeCloudreve({ version: options.sandboxVersion, lifetimeMs: 7 * 24 * 3600_000 });
		await sandbox.start(options.sandboxPort);
		const soon = Date.now() + 3600_000;
		sandbox.feedItems = [1, 2, 3].map((n) => ({ title: `Demo episode ${n}`, link: `https://downloads.example.com/demo-feed/episode-${n}.torrent`, date: new Date(soon + n * 1000) }));
		log(`[3/5] Cloudreve sandbox (fake Cloudreve ${options.sandboxVersion}) at ${sandbox.url}, account ${DEMO_USER.email} / ${DEMO_USER.password}, RSS feed ${sandbox.url}/feed.xml`);
		credentialData = { serverUrl: sandbox.url, email: DEMO_USER.email, password: DEMO_USER.password, apiVersion: 'auto' };
	}

	log('[4/5] importing the credential "Cloudreve sandbox" and the example workflows');
	await home.importCredentials([{ ...cloudreveCredential(SANDBOX_CREDENTIAL_ID, credentialData), name: 'Cloudreve sandbox' }]);
	const workflows = listExamples().map((file) => {
		const workflow = exampleWorkflow(file, SANDBOX_CREDENTIAL_ID) as { nodes: Array<{ parameters: Record<string, unknown>; credentials?: Record<string, { name: string }> }> };
		for (const node of workflow.nodes) {
			if (node.credentials?.cloudreveApi) node.credentials.cloudreveApi.name = 'Cloudreve sandbox';
			if (sandbox && typeof node.parameters.feedUrl === 'string') node.parameters.feedUrl = `${sandbox.url}/feed.xml`;
		}
		return workflow;
	});
	await home.importWorkflows(workflows);
	for (const id of options.publish ?? []) {
		const result = await home.run(['publish:workflow', `--id=${id}`]);
		if (result.code !== 0) throw new Error(`n8n publish:workflow --id=${id} failed:\n${result.stdout}\n${result.stderr}`);
	}

	log(`[5/5] starting n8n on http://localhost:${options.port}`);
	const n8nUrl = `http://127.0.0.1:${options.port}`;
	let n8n: ChildProcess | undefined = await home.start(options.port, options.n8nLog);
	await ensureOwner(n8nUrl);

	return {
		n8nUrl,
		sandbox,
		home,
		async stop() {
			const child = n8n;
			n8n = undefined;
			if (child && child.exitCode === null) {
				child.kill('SIGTERM');
				await new Promise((resolve) => {
					const timer = setTimeout(() => {
						child.kill('SIGKILL');
						resolve(undefined);
					}, 15_000);
					child.on('exit', () => {
						clearTimeout(timer);
						resolve(undefined);
					});
				});
			}
			await sandbox?.stop();
		},
	};
}

async function main(): Promise<void> {
	const options = optionsFrom(process.argv.slice(2), process.env);
	const session = await startDev(options);
	const { log } = options;
	log('');
	log(`n8n is ready: open http://localhost:${options.port}`);
	log(`  Sign in as ${OWNER.email} / ${OWNER.password} (created on first start; local to this machine).`);
	log('  Open the workflow "Cloudreve demo: RSS-style items to offline downloads" and click "Execute workflow".');
	if (session.sandbox) {
		log(`  The sandbox logs in as ${DEMO_USER.email}; downloads it accepts are listed at ${session.sandbox.url}/api/${session.sandbox.generation}/${session.sandbox.generation === 'v3' ? 'aria2/downloading' : 'workflow?category=downloading&page_size=10'} (needs the session).`);
	}
	log('  Also imported: "RSS Feed Trigger to Cloudreve offline download" and "Webhook to Cloudreve offline download".');
	log('Press Ctrl+C to stop n8n and the sandbox.');
	const shutdown = () => {
		log('stopping…');
		void session.stop().then(() => process.exit(0));
	};
	process.on('SIGINT', shutdown);
	process.on('SIGTERM', shutdown);
}

if (require.main === module) {
	main().catch((error: Error) => {
		process.stderr.write(`npm run dev failed: ${error.message}\n`);
		process.exit(1);
	});
}
