/**
 * Splits a streamed completion into reasoning and answer when reasoning arrives inline as
 * `<think>…</think>` in the content — including tags split across chunks and an R1 template's
 * pre-filled `<think>` (output that starts inside the block and only shows `</think>`).
 */
const OPEN = '<think>';
const CLOSE = '</think>';
const STRAY = ['<｜end▁of▁sentence｜>', '<|end_of_sentence|>', '<｜end▁of▁sentence｜>'.normalize()];

export interface Piece {
  kind: 'reasoning' | 'text';
  text: string;
}

type State = 'start' | 'reasoning' | 'answer';

export class ThinkTagSplitter {
  private state: State = 'start';
  private pending = '';
  /** Whitespace right after `<think>` or `</think>` is layout, not content; it may arrive in later chunks. */
  private trimLead = true;

  /** `prefilled`: the prompt already opened `<think>`, so output begins inside the reasoning block. */
  constructor(prefilled = false) {
    if (prefilled) this.state = 'reasoning';
  }

  push(chunk: string): Piece[] {
    this.pending += chunk;
    return this.drain(false);
  }

  /** Flushes what is held back at the end of the stream. */
  end(): Piece[] {
    return this.drain(true);
  }

  private drain(final: boolean): Piece[] {
    const out: Piece[] = [];
    const emit = (kind: Piece['kind'], text: string) => {
      text = stripStray(text);
      if (this.trimLead) text = text.replace(/^\s+/, '');
      if (!text) return;
      this.trimLead = false;
      const last = out[out.length - 1];
      if (last && last.kind === kind) last.text += text;
      else out.push({ kind, text });
    };
    for (;;) {
      if (this.state === 'start') {
        const trimmed = this.pending.replace(/^\s+/, '');
        if (trimmed.startsWith(OPEN)) {
          this.pending = trimmed.slice(OPEN.length);
          this.state = 'reasoning';
          this.trimLead = true;
          continue;
        }
        if (!final && OPEN.startsWith(trimmed)) return out; // might still become <think>
        this.state = 'answer';
        continue;
      }
      if (this.state === 'reasoning') {
        const i = this.pending.indexOf(CLOSE);
        if (i >= 0) {
          emit('reasoning', this.pending.slice(0, i));
          this.pending = this.pending.slice(i + CLOSE.length);
          this.state = 'answer';
          this.trimLead = true;
          continue;
        }
        const keep = final ? 0 : heldBack(this.pending, [CLOSE, ...STRAY]);
        emit('reasoning', this.pending.slice(0, this.pending.length - keep));
        this.pending = this.pending.slice(this.pending.length - keep);
        return out;
      }
      const keep = final ? 0 : heldBack(this.pending, STRAY);
      emit('text', this.pending.slice(0, this.pending.length - keep));
      this.pending = this.pending.slice(this.pending.length - keep);
      return out;
    }
  }
}

/** Length of the longest suffix of `s` that is a proper prefix of one of `tags` (a tag split across chunks). */
function heldBack(s: string, tags: string[]): number {
  let best = 0;
  for (const tag of tags) {
    for (let n = Math.min(tag.length - 1, s.length); n > best; n--) {
      if (s.endsWith(tag.slice(0, n))) {
        best = n;
        break;
      }
    }
  }
  return best;
}

export function stripStray(text: string): string {
  for (const s of STRAY) if (text.includes(s)) text = text.split(s).join('');
  return text;
}
