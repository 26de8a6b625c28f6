/**
 * Opaque paging markers (DMS's `Marker`, CloudWatch's `NextToken`): a position wrapped
 * in base64 behind a prefix of the listing's own, so a caller can neither read one nor
 * pass one listing's marker to another.
 */
export interface PageMarkers {
  encode(position: number): string;
  /** The position a marker names; 0 for none; `invalid(marker)` for one this listing did not make. */
  decode(marker: string | undefined): number;
}

export function pageMarkers(prefix: string, invalid: (marker: string) => Error): PageMarkers {
  return {
    encode: (position) => Buffer.from(`${prefix}${position}`).toString('base64'),
    decode(marker) {
      if (marker === undefined || marker === '') return 0;
      const decoded = Buffer.from(marker, 'base64').toString('utf8');
      const position = decoded.startsWith(prefix) ? Number(decoded.slice(prefix.length)) : NaN;
      if (!Number.isInteger(position) || position < 0) throw invalid(marker);
      return position;
    },
  };
}
