/**
 * A real n8n for this package: install it (cached), install our packed tarball the way n8n's
 * community-package installer does, import credentials and workflows, execute, start.
 * Used by `npm run dev` and by the end-to-end tests, so both walk the same path.
 */
import { execFileSync, spawn } from 'child_process';
import type { ChildProcess } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

export const REPO = resolve(__dirname, '..', ...(__dirname.includes('.tmp') ? ['..', '..'] : []));
export const PACKAGE_NAME = 'n8n-nodes-cloudreve';
export const NODE_TYPE = `${PACKAGE_NAME}.cloudreve`;

export type N8nLine = 1 | 2;

export interface N8nInstall {
	line: N8nLine;
	/** Folder holding node_modules/n8n. */
	dir: string;
	/** Folder of the Node.js that runs it (bin/node). */
	nodeDir: string;
}

/** Installs n8n once into the cache (scripts/install-n8n.sh), showing its progress on stderr. */
export function ensureN8n(line: N8nLine): N8nInstall {
	const out = execFileSync('bash', [join(REPO, 'scripts', 'install-n8n.sh'), String(line)], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
		timeout: 30 * 60_000,
	});
	const dir = out.trim().split('\n').pop()!;
	const nodeDir = readFileSync(join(dir, '.node-dir'), 'utf8').trim();
	return { line, dir, nodeDir };
}

/** Builds, packs and installs this package into an n8n user folder, like n8n's installer. */
export function installPackedPackage(userFolder: string): string {
	return installPackedPackageInto([userFolder])[0];
}

/**
 * The same for several user folders (a queue-mode main and its workers): builds and packs once,
 * then installs that one tarball into each folder. Returns the installed package folders.
 */
export function installPackedPackageInto(userFolders: string[]): string[] {
	const folder = mkdtempSync(join(tmpdir(), 'n8n-cloudreve-pack-'));
	try {
		const tarball = packPackage(folder);
		return userFolders.map((userFolder) => installPackage(tarball, userFolder));
	} finally {
		rmSync(folder, { recursive: true, force: true });
	}
}

/** `npm run build` and `npm pack` into `outDir`; returns the tarball's path. */
function packPackage(outDir: string): string {
	mkdirSync(outDir, { recursive: true });
	execFileSync('npm', ['run', 'build'], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
	const name = execFileSync('npm', ['pack', '--pack-destination', outDir, '--loglevel=error'], { cwd: REPO, encoding: 'utf8' })
		.trim()
		.split('\n')
		.pop()!;
	return join(outDir, name);
}

/**
 * What n8n 2.41's community-package installer does with a tarball: unpack it into
 * <user folder>/.n8n/nodes/node_modules/<name>, drop dev, peer and optional dependencies from its
 * package.json (so no second n8n-workflow arrives), and run npm install inside it.
 */
function installPackage(tarball: string, userFolder: string): string {
	const target = join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
	rmSync(target, { recursive: true, force: true });
	mkdirSync(target, { recursive: true });
	execFileSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
	const manifestPath = join(target, 'package.json');
	const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
	delete manifest.devDependencies;
	delete manifest.peerDependencies;
	delete manifest.optionalDependencies;
	writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
	execFileSync('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], { cwd: target, stdio: 'ignore' });
	return target;
}

/** A port nothing listens on right now (asked of the OS by a short-lived Node.js process). */
export function freePortSync(): number {
	const script = "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
	return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}

export interface CliResult {
	code: number;
	stdout: string;
	stderr: string;
}

/** One n8n user folder (database, settings, installed packages) and the commands that use it. */
export class N8nHome {
	readonly env: NodeJS.ProcessEnv;

	constructor(
		readonly install: N8nInstall,
		readonly userFolder: string,
		extraEnv: NodeJS.ProcessEnv = {},
	) {
		mkdirSync(join(userFolder, '.n8n', 'nodes', 'node_modules'), { recursive: true });
		this.env = {
			...process.env,
			PATH: `${install.nodeDir}/bin:${join(install.dir, 'node_modules', '.bin')}:${process.env.PATH}`,
			N8N_USER_FOLDER: userFolder,
			N8N_ENCRYPTION_KEY: 'n8n-nodes-cloudreve-local-key',
			DB_TYPE: 'sqlite',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_SECURE_COOKIE: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_RUNNERS_ENABLED: 'true',
			// Each n8n gets its own task-runner broker port, so several can run side by side.
			N8N_RUNNERS_BROKER_PORT: String(freePortSync()),
			// n8n 1.x's default expression engine needs an isolated-vm build that Node 20 lacks.
			...(install.line === 1 ? { N8N_EXPRESSION_ENGINE: 'legacy' } : {}),
			...extraEnv,
		};
		// Our own environment must not leak into n8n's: under jest, NODE_ENV=test makes the n8n CLI
		// silently do nothing.
		for (const key of Object.keys(this.env)) {
			if (key.startsWith('npm_') || key.startsWith('JEST_') || key === 'NODE_OPTIONS' || key === 'NODE_ENV') delete this.env[key];
		}
	}

	static temporary(install: N8nInstall): N8nHome {
		return new N8nHome(install, mkdtempSync(join(tmpdir(), 'n8n-cloudreve-e2e-')));
	}

	/** Deletes the user folder (for temporary homes). */
	dispose(): void {
		rmSync(this.userFolder, { recursive: true, force: true });
	}

	get bin(): string {
		return join(this.install.dir, 'node_modules', 'n8n', 'bin', 'n8n');
	}

	/**
	 * Runs an n8n command. Asynchronous on purpose: a fake Cloudreve server in this same process
	 * must keep answering while n8n runs.
	 */
	async run(args: string[], timeoutMs = 180_000): Promise<CliResult> {
		const child = spawn(join(this.install.nodeDir, 'bin', 'node'), [this.bin, ...args], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		const code = await new Promise<number>((resolveExit) => child.on('close', (exitCode) => resolveExit(exitCode ?? -1)));
		clearTimeout(timer);
		return { code, stdout, stderr };
	}

	private async importFile(kind: 'credentials' | 'workflow', data: unknown): Promise<CliResult> {
		const file = join(this.userFolder, `import-${kind}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
		writeFileSync(file, JSON.stringify(data, null, 2));
		const result = await this.run([`import:${kind}`, `--input=${file}`]);
		rmSync(file, { force: true });
		if (result.code !== 0) throw new Error(`n8n import:${kind} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
		return result;
	}

	/** Imports credentials; plain `data` is encrypted by n8n on import. */
	async importCredentials(credentials: unknown[]): Promise<CliResult> {
		return await this.importFile('credentials', credentials);
	}

	async importWorkflow(workflow: unknown): Promise<CliResult> {
		return await this.importFile('workflow', workflow);
	}

	/** Several workflows in one n8n start-up (each CLI call costs seconds). */
	async importWorkflows(workflows: unknown[]): Promise<CliResult> {
		const folder = mkdtempSync(join(this.userFolder, 'import-'));
		workflows.forEach((workflow, index) => writeFileSync(join(folder, `${index}.json`), JSON.stringify(workflow)));
		const result = await this.run(['import:workflow', '--separate', `--input=${folder}`]);
		rmSync(folder, { recursive: true, force: true });
		if (result.code !== 0) throw new Error(`n8n import:workflow failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
		return result;
	}

	/** Decrypted credential data as n8n stores it (to see a session saved by preAuthentication). */
	async exportCredential(id: string): Promise<Record<string, unknown>> {
		const file = join(this.userFolder, `export-${Date.now()}.json`);
		const result = await this.run(['export:credentials', `--id=${id}`, '--decrypted', `--output=${file}`]);
		if (result.code !== 0) throw new Error(`n8n export:credentials failed:\n${result.stdout}\n${result.stderr}`);
		const exported = JSON.parse(readFileSync(file, 'utf8'));
		rmSync(file, { force: true });
		return (Array.isArray(exported) ? exported[0] : exported).data;
	}

	/** `n8n execute --id … --rawOutput`: the run data, or undefined when the execution failed. */
	async execute(workflowId: string): Promise<CliResult & { run?: ExecutionResult }> {
		const result = await this.run(['execute', `--id=${workflowId}`, '--rawOutput']);
		const lines = result.stdout.split('\n');
		// The run is the JSON object from the first line "{" to the last line "}"; n8n may log
		// before and after it (n8n 1.x sometimes prints a late line once the run is out).
		const start = lines.findIndex((line) => line.startsWith('{'));
		const end = lines.map((line) => line.trimEnd()).lastIndexOf('}');
		let run: ExecutionResult | undefined;
		if (start >= 0 && end > start) {
			try {
				run = JSON.parse(lines.slice(start, end + 1).join('\n'));
			} catch {
				run = undefined;
			}
		}
		return { ...result, run };
	}

	/** `n8n start` in the background; resolves once /healthz/readiness answers. */
	async start(port: number, log: (line: string) => void = () => undefined): Promise<ChildProcess> {
		const child = spawn(join(this.install.nodeDir, 'bin', 'node'), [this.bin, 'start'], {
			env: { ...this.env, N8N_PORT: String(port), N8N_LISTEN_ADDRESS: '127.0.0.1', N8N_HOST: 'localhost' },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		const forward = (chunk: Buffer) => chunk.toString().split('\n').filter(Boolean).forEach(log);
		child.stdout!.on('data', forward);
		child.stderr!.on('data', forward);
		const deadline = Date.now() + 120_000;
		while (Date.now() < deadline) {
			if (child.exitCode !== null) throw new Error(`n8n exited with code ${child.exitCode} while starting`);
			const ready = await fetch(`http://127.0.0.1:${port}/healthz/readiness`).then(
				(response) => response.ok,
				() => false,
			);
			if (ready) return child;
			await new Promise((r) => setTimeout(r, 500));
		}
		child.kill();
		throw new Error('n8n did not become ready within 120 s');
	}
}

export interface ExecutionResult {
	status?: string;
	data: {
		resultData: {
			error?: { message: string; description?: string };
			runData: Record<string, Array<{ data?: { main: Array<Array<{ json: Record<string, unknown>; pairedItem?: unknown }>> }; error?: { message: string } }>>;
		};
	};
}

/** The items a node output in an execution (first run, first output). */
export function nodeOutput(run: ExecutionResult | undefined, node: string): Array<{ json: Record<string, unknown>; pairedItem?: unknown }> {
	return run?.data.resultData.runData[node]?.[0]?.data?.main[0] ?? [];
}

/** Credential entry for import:credentials. */
export function cloudreveCredential(id: string, data: Record<string, unknown>) {
	return { id, name: `Cloudreve ${id}`, type: 'cloudreveApi', data };
}

/** Reads a workflow from examples/ with its credential pointed at `credentialId`. */
export function exampleWorkflow(file: string, credentialId: string): Record<string, unknown> {
	const workflow = JSON.parse(readFileSync(join(REPO, 'examples', file), 'utf8'));
	for (const node of workflow.nodes) {
		if (node.credentials?.cloudreveApi) node.credentials.cloudreveApi = { id: credentialId, name: `Cloudreve ${credentialId}` };
	}
	return workflow;
}

export function listExamples(): string[] {
	const folder = join(REPO, 'examples');
	return existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith('.json')) : [];
}
