// A one-line spinner while the demo waits: redrawn in place on a terminal, printed once per change
// elsewhere (CI logs, pipes), so a transcript still shows every state it went through.
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export class Progress {
  private timer?: NodeJS.Timeout;
  private text = '';
  private frame = 0;
  private readonly tty: boolean;

  constructor(private readonly out: NodeJS.WritableStream) {
    this.tty = !!(out as NodeJS.WriteStream).isTTY;
  }

  start(text: string): void {
    this.stop();
    this.text = text;
    if (!this.tty) {
      this.out.write(`  ... ${text}\n`);
      return;
    }
    this.timer = setInterval(() => this.draw(), 100);
    this.timer.unref();
    this.draw();
  }

  update(text: string): void {
    if (text === this.text) return;
    this.text = text;
    if (!this.tty) this.out.write(`  ... ${text}\n`);
  }

  /** Prints a line above the spinner, which keeps going. */
  note(line: string): void {
    if (this.timer) this.out.write('\r\x1b[2K');
    this.out.write(`  ${line}\n`);
    if (this.timer) this.draw();
  }

  /** Ends the line; with a final text, prints it as done. */
  stop(final?: string): void {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.out.write('\r\x1b[2K');
    }
    if (final) this.out.write(`  ✔ ${final}\n`);
    this.text = '';
  }

  private draw(): void {
    this.frame = (this.frame + 1) % FRAMES.length;
    this.out.write(`\r\x1b[2K  ${FRAMES[this.frame]} ${this.text}`);
  }
}
