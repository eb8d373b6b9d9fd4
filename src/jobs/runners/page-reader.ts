// Reads a channel's pages ahead of their registration: up to `depth` pages are fetched while the ones
// before them are registered, and `take` hands over every page that has arrived (at least one). A slow
// channel gives one page at a time as soon as it comes; a fast one gives several, registered together.
// A failed fetch is answered by the next `take`, after the pages that came before it.

export interface ReadPage {
  /** The cursor of the page after this one; null when this is the last. */
  cursor: string | null;
}

export class PageReader<P extends ReadPage> {
  private readonly pages: P[] = [];
  private failure: { error: unknown } | undefined;
  private finished = false;
  private wake: (() => void) | undefined;
  private fetching = false;

  constructor(
    private readonly fetch: (cursor: string | null) => Promise<P | null>,
    private next: string | null,
    private readonly depth: number,
  ) {
    this.pump();
  }

  /** The pages that have arrived, in order, at most `max`; empty once the last page was taken. */
  async take(max: number): Promise<P[]> {
    while (this.pages.length === 0 && !this.failure && !this.finished) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
    if (this.pages.length === 0 && this.failure) throw this.failure.error;
    const taken = this.pages.splice(0, max);
    this.pump();
    return taken;
  }

  private pump(): void {
    if (this.fetching || this.finished || this.failure || this.pages.length >= this.depth) return;
    this.fetching = true;
    this.fetch(this.next).then(
      (page) => {
        this.fetching = false;
        if (!page) this.finished = true;
        else {
          this.pages.push(page);
          this.next = page.cursor;
          if (page.cursor === null) this.finished = true;
        }
        this.signal();
        this.pump();
      },
      (error: unknown) => {
        this.fetching = false;
        this.failure = { error };
        this.signal();
      },
    );
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
