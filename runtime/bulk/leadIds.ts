/**
 * The lead ids a replay has met, each with its first line: the set that tells a lead whose records
 * come back later in the log (docs/event-log.md). Kept compact, since it holds every lead of the
 * log: the ids' UTF-8 bytes in one growing buffer, and an open-addressing table of typed arrays
 * (about the id's bytes plus 24 bytes per lead, against about 80 for a `Map` of strings).
 */
export class LeadIds {
  private arena = Buffer.allocUnsafe(1 << 16);
  private used = 0;
  /** Per entry: where its bytes start (entry i ends where entry i + 1 starts), its hash and its first line. */
  private starts = new Uint32Array(1024);
  private hashes = new Uint32Array(1024);
  private lines = new Float64Array(1024);
  private count = 0;
  /** Slots: entry index + 1, 0 when empty; at most half full. */
  private slots = new Int32Array(2048);
  private scratch = Buffer.allocUnsafe(256);
  private scratchLength = 0;

  get size(): number {
    return this.count;
  }

  /** Bytes held (buffers and tables, allocated). */
  get bytes(): number {
    return this.arena.length + this.starts.byteLength + this.hashes.byteLength + this.lines.byteLength + this.slots.byteLength;
  }

  /** Encodes `id` into the scratch buffer; returns its hash (FNV-1a over its bytes). */
  private encode(id: string): number {
    if (id.length * 3 > this.scratch.length) this.scratch = Buffer.allocUnsafe(id.length * 3);
    const n = this.scratch.write(id, 0, "utf8");
    this.scratchLength = n;
    let h = 0x811c9dc5;
    for (let i = 0; i < n; i++) h = Math.imul(h ^ this.scratch[i]!, 0x01000193);
    return h >>> 0;
  }

  private end(i: number): number {
    return i + 1 < this.count ? this.starts[i + 1]! : this.used;
  }

  /** The slot holding the scratch id (hash `h`), or the empty slot where it would go (negative: -(slot + 1)). */
  private find(h: number): number {
    const mask = this.slots.length - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const e = this.slots[s]!;
      if (e === 0) return -(s + 1);
      const i = e - 1;
      if (this.hashes[i] === h) {
        const a = this.starts[i]!;
        const b = this.end(i);
        if (b - a === this.scratchLength && this.scratch.compare(this.arena, a, b, 0, this.scratchLength) === 0) return s;
      }
    }
  }

  has(id: string): boolean {
    return this.find(this.encode(id)) >= 0;
  }

  /** The first line of `id`, or undefined. */
  get(id: string): number | undefined {
    const s = this.find(this.encode(id));
    return s >= 0 ? this.lines[this.slots[s]! - 1] : undefined;
  }

  /** Adds `id` (first seen at `line`); an id already held keeps its first line. */
  add(id: string, line: number): void {
    const h = this.encode(id);
    const s = this.find(h);
    if (s >= 0) return;
    if (this.count === this.starts.length) this.growEntries();
    if (this.used + this.scratchLength > this.arena.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.arena.length * 2, this.used + this.scratchLength));
      this.arena.copy(bigger, 0, 0, this.used);
      this.arena = bigger;
    }
    this.scratch.copy(this.arena, this.used, 0, this.scratchLength);
    const i = this.count++;
    this.starts[i] = this.used;
    this.used += this.scratchLength;
    this.hashes[i] = h;
    this.lines[i] = line;
    this.slots[-s - 1] = i + 1;
    if (this.count * 2 > this.slots.length) this.rehash();
  }

  /** Every id and its first line, in the order added. */
  *entries(): IterableIterator<[string, number]> {
    for (let i = 0; i < this.count; i++) yield [this.arena.toString("utf8", this.starts[i]!, this.end(i)), this.lines[i]!];
  }

  private growEntries(): void {
    const n = this.starts.length * 2;
    const starts = new Uint32Array(n);
    starts.set(this.starts);
    const hashes = new Uint32Array(n);
    hashes.set(this.hashes);
    const lines = new Float64Array(n);
    lines.set(this.lines);
    this.starts = starts;
    this.hashes = hashes;
    this.lines = lines;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let i = 0; i < this.count; i++) {
      let s = this.hashes[i]! & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = i + 1;
    }
    this.slots = slots;
  }
}
