import { AzureError } from './errors';

export interface ArmPage<T> {
  items: T[];
  /** Absolute URL of the next page, as ARM returned it; absent on the last page. */
  nextLink?: string;
}

/** Fetches one page: the first when `nextLink` is undefined, else the page behind that link. */
export type PageFetcher<T> = (nextLink: string | undefined) => Promise<ArmPage<T>>;

/**
 * A lazily paged ARM list. Nothing is requested until iteration starts, and each further page only when the
 * previous one has been consumed, so reading the first page costs exactly one call.
 * Iterate items with `for await (const x of pager)`, pages with `pager.byPage()`.
 */
export class ArmPager<T> implements AsyncIterable<T> {
  readonly #fetch: PageFetcher<T>;

  constructor(fetch: PageFetcher<T>) {
    this.#fetch = fetch;
  }

  /** Pages in order; pass a saved `nextLink` as `continuationToken` to continue an earlier listing. */
  async *byPage(options: { continuationToken?: string } = {}): AsyncGenerator<ArmPage<T>, void, undefined> {
    let link = options.continuationToken;
    const seen = new Set<string>();
    do {
      const page = await this.#fetch(link);
      yield page;
      link = page.nextLink;
      if (link !== undefined) {
        // A service bug that repeats a link would otherwise page forever.
        if (seen.has(link)) throw new AzureError('AZURE_UNEXPECTED_RESPONSE', 'Azure returned the same nextLink twice');
        seen.add(link);
      }
    } while (link);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.byPage()) yield* page.items;
  }

  /** One call: the first page. */
  async firstPage(): Promise<ArmPage<T>> {
    return this.#fetch(undefined);
  }

  /** Collects items, stopping (without fetching further pages) once `limit` items are in hand. */
  async toArray(limit = Number.POSITIVE_INFINITY): Promise<T[]> {
    const out: T[] = [];
    if (limit <= 0) return out;
    for await (const page of this.byPage()) {
      for (const item of page.items) {
        out.push(item);
        if (out.length >= limit) return out;
      }
    }
    return out;
  }
}
