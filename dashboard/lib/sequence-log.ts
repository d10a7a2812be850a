// Per-run sequence bookkeeping for live logs and events: a record is applied only when its seq is
// the next one (a duplicate is dropped, a gap asks for a catch-up read through the api). The
// tables are the source of truth; a broadcast is only a fast path. Pure, so it is unit-tested.

export interface Sequenced {
  run_id: string;
  seq: number;
}

export type Applied = "applied" | "duplicate" | "gap";

export class SequenceLog<T extends Sequenced> {
  /** Highest contiguous seq applied per run (-1 = nothing yet). */
  private readonly last = new Map<string, number>();
  private readonly items = new Map<string, T[]>();

  lastSeq(runId: string): number {
    return this.last.get(runId) ?? -1;
  }

  list(runId: string): readonly T[] {
    return this.items.get(runId) ?? [];
  }

  /** Applies one record if it is the next in its run. */
  offer(item: T): Applied {
    const last = this.lastSeq(item.run_id);
    if (item.seq <= last) return "duplicate";
    if (item.seq !== last + 1) return "gap";
    this.last.set(item.run_id, item.seq);
    const list = this.items.get(item.run_id);
    if (list) list.push(item);
    else this.items.set(item.run_id, [item]);
    return "applied";
  }

  /**
   * Applies records read from the api (ordered by seq). The api returns everything after the seq
   * asked for, so what it skips is nothing; records already applied are dropped.
   */
  absorb(items: readonly T[]): number {
    let added = 0;
    for (const item of [...items].sort((a, b) => a.seq - b.seq)) {
      if (item.seq <= this.lastSeq(item.run_id)) continue;
      this.last.set(item.run_id, item.seq);
      const list = this.items.get(item.run_id);
      if (list) list.push(item);
      else this.items.set(item.run_id, [item]);
      added += 1;
    }
    return added;
  }

  /**
   * Marks a run as read up to `seq` elsewhere (the api's metric summary): later records apply from
   * there, and any already applied at or below it are dropped (they are in the summary).
   */
  skipTo(runId: string, seq: number): void {
    if (seq <= this.lastSeq(runId)) {
      const list = this.items.get(runId);
      if (list)
        this.items.set(
          runId,
          list.filter((item) => item.seq > seq),
        );
      return;
    }
    this.last.set(runId, seq);
    this.items.set(runId, []);
  }
}
