/**
 * The folder picker's list: the folders below what the user typed. "/Downloads/An" lists
 * /Downloads and keeps the folders whose name contains "An"; "/Downloads/" lists /Downloads.
 * The folder typed itself comes first, the root first of all, so that it can be picked too.
 */
import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { CloudreveClient } from '../transport/client';
import { formatPath, parseFolderPath } from '../transport/paths';

const PAGE_SIZE = 100;

function whereToLook(filter: string | undefined): { folder: string[]; nameContains: string } {
	const text = (filter ?? '').trim();
	if (text === '' || text === '/') return { folder: [], nameContains: '' };
	const absolute = text.startsWith('/') ? text : `/${text}`;
	const cut = absolute.lastIndexOf('/');
	const folderText = absolute.slice(0, cut) || '/';
	try {
		return { folder: parseFolderPath(folderText, 'Folder'), nameContains: absolute.slice(cut + 1).toLowerCase() };
	} catch {
		// Half-typed paths with characters Cloudreve refuses: search from the root.
		return { folder: [], nameContains: absolute.slice(cut + 1).toLowerCase() };
	}
}

export async function searchFolders(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const { folder, nameContains } = whereToLook(filter);
	const api = await new CloudreveClient(this).api();
	const page = await api.listFolder(folder, { type: 'folder', limit: PAGE_SIZE, next: paginationToken || undefined });
	const results: INodeListSearchItems[] = page.items
		.filter((entry) => nameContains === '' || entry.name.toLowerCase().includes(nameContains))
		.map((entry) => ({ name: entry.path, value: entry.path }));
	if (!paginationToken && nameContains === '') {
		const here = formatPath(folder);
		results.unshift({ name: here === '/' ? '/ (Root folder)' : here, value: here });
	}
	return { results, paginationToken: page.next };
}
