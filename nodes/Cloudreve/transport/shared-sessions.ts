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

export type Renewal<T> = { adopted: string } | { renewed: T };

/**
 * After `stale` was rejected (or when there is no session yet, ''): the newer session another
 * execution of this process has or is getting, or else the result of `renew`, which then is this
 * process's one renewal of the credential. Deciding and registering happen without a pause in
 * between, so two executions can never both decide to renew.
 */
export async function adoptOrRenew<T>(key: string, stale: string, renew: () => Promise<{ session: string; result: T }>): Promise<Renewal<T>> {
	let shared = sessions.get(key);
	if (shared === undefined) {
		shared = {};
		sessions.set(key, shared);
	}
	if (shared.renewing) {
		const session = await shared.renewing;
		if (session !== '' && session !== stale) return { adopted: session };
	} else if (shared.current && shared.current !== stale) {
		return { adopted: shared.current };
	}
	return await runRenewal(shared, renew);
}

async function runRenewal<T>(shared: SharedSession, renew: () => Promise<{ session: string; result: T }>): Promise<Renewal<T>> {
	let settle: (session: string) => void = () => undefined;
	shared.renewing = new Promise<string>((resolve) => (settle = resolve));
	try {
		const { session, result } = await renew();
		shared.current = session;
		settle(session);
		return { renewed: result };
	} finally {
		settle('');
		shared.renewing = undefined;
	}
}
