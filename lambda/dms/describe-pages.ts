/** One page of a DMS Describe* answer. */
export interface Page<T> {
  readonly items?: T[];
  readonly marker?: string;
}

/** More pages than any account holds: a Marker that never ends is DMS's fault, not a wait. */
const MAX_PAGES = 1_000;

/**
 * The first record `pick` accepts, following `Marker` from page to page. DMS may answer
 * pages (even empty ones) that carry a Marker before the page that holds the record,
 * whether it filters before or after paging.
 */
export async function findInPages<T>(
  fetchPage: (marker: string | undefined) => Promise<Page<T>>,
  pick: (item: T) => boolean,
): Promise<T | undefined> {
  let marker: string | undefined;
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const page = await fetchPage(marker);
    const found = page.items?.find(pick);
    if (found || !page.marker) return found;
    marker = page.marker;
  }
  throw new Error(`DMS answered more than ${MAX_PAGES} pages`);
}

/** Every record of every page, following `Marker` (or NextToken) to the end; empty pages in between are skipped. */
export async function allPages<T>(fetchPage: (marker: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  await findInPages(async (marker) => {
    const page = await fetchPage(marker);
    items.push(...(page.items ?? []));
    return { marker: page.marker };
  }, () => false);
  return items;
}
