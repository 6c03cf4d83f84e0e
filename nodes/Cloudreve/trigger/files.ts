/**
 * "New File in Folder": one item per entry that appeared in a folder (and its subfolders, if
 * asked) since the last poll, oldest first, each once. Each poll lists the folder; an entry is
 * new when its creation time is at or above the floor and its id was not seen. The floor trails
 * the newest creation time by an hour, so that an upload that shows only when it is complete
 * (4.x keeps the time its upload started) still fires.
 *
 * An entry moved in from another folder keeps its creation time and id, so it does not fire;
 * a copy, an upload or an offline download does.
 */
import type { CloudreveApi, Entry } from '../transport/contract';
import type { FolderPath } from '../transport/paths';
import type { Seen } from './seen';
import { advanceSeen, seenSet, timeOf } from './seen';

const MARGIN_MS = 60 * 60_000;
const SEEN_CAP = 1000;

/** Entries asked for per listing request. */
const PAGE = 1000;

/** Folders listed in one poll at most with Include Subfolders. */
export const MAX_FOLDERS = 500;

const SAMPLE = 5;

export interface FileState extends Seen {
	server: string;
	/** The folder and depth these ids belong to; another folder starts over. */
	folder: string;
	recursive: boolean;
}

const byCreation = (a: Entry, b: Entry) => timeOf(a.createdAt) - timeOf(b.createdAt) || a.path.localeCompare(b.path);

/** Every entry in `folder`, and below it when `recursive` (up to MAX_FOLDERS folders). */
export async function listEntries(api: CloudreveApi, folder: FolderPath, recursive: boolean): Promise<Entry[]> {
	const entries: Entry[] = [];
	const queue: FolderPath[] = [folder];
	let listed = 0;
	while (queue.length > 0 && listed < MAX_FOLDERS) {
		const current = queue.shift()!;
		listed++;
		let next: string | undefined;
		do {
			const page = await api.listFolder(current, { type: 'any', limit: PAGE, next });
			entries.push(...page.items);
			if (recursive) queue.push(...page.items.filter((entry) => entry.type === 'folder').map((entry) => entry.path.split('/').filter(Boolean)));
			next = page.next;
		} while (next !== undefined);
	}
	return entries;
}

const stamp = (entry: Entry): [string, number] => [entry.id || entry.path, timeOf(entry.createdAt)];

export function baseline(entries: Entry[], where: { server: string; folder: string; recursive: boolean }): FileState {
	return { ...where, ...advanceSeen({ floor: 0, newest: 0, ids: [] }, entries.map(stamp), MARGIN_MS, SEEN_CAP) };
}

export function addedSince(entries: Entry[], state: FileState): { items: Entry[]; state: FileState } {
	const seen = seenSet(state);
	const items = entries.filter((entry) => timeOf(entry.createdAt) >= state.floor && !seen.has(stamp(entry)[0])).sort(byCreation);
	return { items, state: { ...state, ...advanceSeen(state, entries.map(stamp), MARGIN_MS, SEEN_CAP) } };
}

/** "Fetch Test Event": the newest entries, oldest first. */
export function newestEntries(entries: Entry[]): Entry[] {
	return [...entries].sort(byCreation).slice(-SAMPLE);
}
