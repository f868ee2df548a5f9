// Newline-delimited JSON, as the engine streams events and build/pull progress and the API streams watch
// events: one JSON value per line, split across chunks at arbitrary points (inside a line, and inside a
// multi-byte UTF-8 character, which is why bytes are decoded with a StringDecoder, never chunk by chunk).
import { StringDecoder } from 'node:string_decoder';

export interface JsonLineOptions {
  /**
   * A line that is not JSON: skipped (the engine's streams: such a line carries nothing we can use) or
   * thrown (an API watch: the stream is broken and the watch must end with that error).
   */
  malformed?: 'skip' | 'throw';
}

export class JsonLineSplitter {
  private pending = '';
  private readonly decoder = new StringDecoder('utf8');

  constructor(private readonly options: JsonLineOptions = {}) {}

  /** Complete JSON values in this chunk (plus what was pending). */
  push(chunk: Buffer | string): unknown[] {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const out: unknown[] = [];
    let nl: number;
    while ((nl = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, nl).trim();
      this.pending = this.pending.slice(nl + 1);
      if (line === '') continue;
      try {
        out.push(JSON.parse(line));
      } catch (err) {
        if (this.options.malformed === 'throw') throw err;
      }
    }
    return out;
  }
}
