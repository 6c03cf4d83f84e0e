/**
 * What a poller remembers between polls, bounded whatever the drive holds: a floor (anything
 * whose time is below it is old), the newest time seen (high-water mark), and the ids seen at or
 * above the floor, so that equal or late-arriving times never fire twice. When more ids than the
 * cap sit above the floor, the floor rises past the oldest ones dropped.
 */
export interface Seen {
	/** ms: items older than this are never emitted. */
	floor: number;
	/** ms: the newest time seen. */
	newest: number;
	/** [id, time in ms] of the items at or above the floor. */
	ids: Array<[string, number]>;
}

export function seenSet(seen: Seen): Set<string> {
	return new Set(seen.ids.map(([id]) => id));
}

/**
 * The state after a poll: `items` were seen (emitted or not), the floor follows the newest time
 * less `marginMs`, and at most `cap` ids stay.
 */
export function advanceSeen(seen: Seen, items: Array<[string, number]>, marginMs: number, cap: number): Seen {
	const newest = Math.max(seen.newest, ...items.map(([, time]) => time));
	let floor = Math.max(seen.floor, newest - marginMs);
	const byId = new Map<string, number>(seen.ids);
	for (const [id, time] of items) byId.set(id, time);
	let ids = [...byId].filter(([, time]) => time >= floor).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
	if (ids.length > cap) {
		// Everything at the time of the first id dropped goes below the floor, so none of it fires again.
		floor = ids[cap][1] + 1;
		ids = ids.filter(([, time]) => time >= floor);
	}
	return { floor, newest, ids };
}

/** A time in ms from an ISO string; 0 when there is none. */
export function timeOf(iso: string): number {
	const time = Date.parse(iso);
	return Number.isNaN(time) ? 0 : time;
}
