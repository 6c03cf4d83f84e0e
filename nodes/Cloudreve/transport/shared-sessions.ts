/**
 * Sessions shared by the executions of one n8n process. A queue-mode worker runs many executions
 * at once, each with its own copy of the credential: without this, every execution that finds the
 * session expired (or none stored yet) would log in by itself, a burst of logins per expiry. Here
 * the first one renews the session and the others wait for it and use the result.
 */

interface SharedSession {
	/** The newest session this process got for the credential. */
	current?: string;
	/** A renewal under way; resolves to the new session, or '' when it failed. */
	renewing?: Promise<string>;
}

const sessions = new Map<string, SharedSession>();

function entry(key: string): SharedSession {
	let shared = sessions.get(key);
	if (shared === undefined) {
		shared = {};
		sessions.set(key, shared);
	}
	return shared;
}

/** A session to use instead of `stale` ('' = none yet), if another execution has (or is getting) a newer one. */
export async function newerSession(key: string, stale: string): Promise<string | undefined> {
	const shared = entry(key);
	const session = shared.renewing ? await shared.renewing : shared.current;
	return session && session !== stale ? session : undefined;
}

/**
 * Runs `renew` (which logs in and returns the new session) as this process's one renewal of the
 * credential: executions asking meanwhile wait for its result instead of logging in too.
 */
export async function renewSession<T>(key: string, renew: () => Promise<{ session: string; result: T }>): Promise<T> {
	const shared = entry(key);
	let settle: (session: string) => void = () => undefined;
	shared.renewing = new Promise<string>((resolve) => (settle = resolve));
	try {
		const { session, result } = await renew();
		shared.current = session;
		settle(session);
		return result;
	} finally {
		settle('');
		shared.renewing = undefined;
	}
}
