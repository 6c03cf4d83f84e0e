/** Both generations send RFC 3339 times with a zone; the node outputs them as ISO 8601 in UTC. */
export function isoDate(value: unknown): string {
	if (typeof value !== 'string' || value === '') return '';
	const time = Date.parse(value);
	return Number.isNaN(time) ? value : new Date(time).toISOString();
}
