/**
 * Cursor pages: `await list()` gives the first page; `for await (const x of list())` walks every
 * item across pages, fetching the next page only when the current one is used up.
 */
import type { PageOf } from "@contract";

export type PageFetcher<T> = (cursor: string | undefined) => Promise<PageOf<T>>;

export class CursorPage<T> implements AsyncIterable<T> {
  readonly data: T[];
  readonly nextCursor: string | null;

  constructor(
    private readonly fetchPage: PageFetcher<T>,
    body: PageOf<T>,
  ) {
    this.data = Array.isArray(body.data) ? body.data : [];
    this.nextCursor = body.next_cursor ?? null;
  }

  hasNextPage(): boolean {
    return this.nextCursor !== null && this.nextCursor !== "";
  }

  async getNextPage(): Promise<CursorPage<T>> {
    if (!this.hasNextPage()) throw new Error("No next page; check hasNextPage() first.");
    return new CursorPage(this.fetchPage, await this.fetchPage(this.nextCursor ?? undefined));
  }

  async *iterPages(): AsyncGenerator<CursorPage<T>> {
    let page: CursorPage<T> = this;
    yield page;
    while (page.hasNextPage()) {
      page = await page.getNextPage();
      yield page;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for await (const page of this.iterPages()) yield* page.data;
  }
}

/** A pending first page that is also an async iterable over all items. */
export class PagePromise<T> implements PromiseLike<CursorPage<T>>, AsyncIterable<T> {
  private readonly first: Promise<CursorPage<T>>;

  constructor(fetchPage: PageFetcher<T>) {
    this.first = fetchPage(undefined).then((body) => new CursorPage(fetchPage, body));
    this.first.catch(() => {}); // surfaced through then()/iteration, never as an unhandled rejection
  }

  // biome-ignore lint/suspicious/noThenProperty: a thenable on purpose, so `await list()` gives the first page
  then<R1 = CursorPage<T>, R2 = never>(
    onfulfilled?: ((value: CursorPage<T>) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.first.then(onfulfilled, onrejected);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    yield* await this.first;
  }
}
