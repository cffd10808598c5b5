import { closeSync, openSync, readSync } from 'node:fs';
import { SpillFile } from '../../spill-file.js';
import type { TemplateSource } from './templates/expand.js';
import { fullTitle, KeyList, parseTitle, titleKey, type Namespaces, type TitleSet } from './titles.js';

/** Where each template's text is in the store's file, sorted by title key; sent to every render worker. */
export interface TemplateStoreData {
  path: string;
  keys: Float64Array;
  offsets: Float64Array;
  /** Bytes of text; -1 for a page known by name only (a Module). */
  lengths: Int32Array;
}

/**
 * Collects the texts of the dump's Template pages in the first pass, on disk: a wiki has hundreds
 * of thousands of templates, more than a pack should hold in memory. 20 bytes each stay in memory.
 */
export class TemplateStoreWriter {
  private readonly file: SpillFile;
  private readonly keys = new KeyList();
  private readonly offsets = new KeyList();
  private readonly lengths = new KeyList();

  constructor(path: string) {
    this.file = new SpillFile(path);
  }

  get count(): number {
    return this.keys.length;
  }

  add(title: string, text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    this.keys.push(titleKey(title));
    this.offsets.push(this.file.size);
    this.lengths.push(bytes.length);
    this.file.append(bytes);
  }

  /** A page whose name matters (#ifexist, a Module) but whose text is not kept. */
  addName(title: string): void {
    this.keys.push(titleKey(title));
    this.offsets.push(0);
    this.lengths.push(-1);
  }

  /** The index, sorted by key; of a title given twice, the later text. */
  finish(): TemplateStoreData {
    const order = Array.from({ length: this.keys.length }, (_, index) => index).sort(
      (a, b) => this.keys.at(a) - this.keys.at(b) || b - a,
    );
    const kept = order.filter((index, at) => at === 0 || this.keys.at(order[at - 1]!) !== this.keys.at(index));
    return {
      path: this.file.path,
      keys: Float64Array.from(kept, (index) => this.keys.at(index)),
      offsets: Float64Array.from(kept, (index) => this.offsets.at(index)),
      lengths: Int32Array.from(kept, (index) => this.lengths.at(index)),
    };
  }

  /** Closes and removes the file. */
  remove(): void {
    this.file.remove();
  }
}

const REDIRECT = /^\s*#[^\s[]+\s*:?\s*\[\[([^\]|#]+)/;
const MAX_REDIRECT_HOPS = 5;

/**
 * A render worker's view of the store: template texts by title, read from the file when asked
 * (the expander keeps what it parsed). The file is opened for each read, so that a worker holds
 * no descriptor of a file the pack removes at its end.
 */
export class TemplateStore implements TemplateSource {
  constructor(
    private readonly data: TemplateStoreData | undefined,
    private readonly namespaces: Namespaces,
    private readonly pages: TitleSet,
  ) {}

  private find(title: string): number {
    const keys = this.data?.keys;
    if (!keys) return -1;
    const key = titleKey(title);
    let low = 0;
    let high = keys.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (keys[middle] === key) return middle;
      if (keys[middle]! < key) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  private read(index: number): string | undefined {
    const length = this.data!.lengths[index]!;
    if (length < 0) return undefined;
    const bytes = Buffer.alloc(length);
    const file = openSync(this.data!.path, 'r');
    try {
      for (let done = 0; done < length;) {
        const got = readSync(file, bytes, done, length - done, this.data!.offsets[index]! + done);
        if (got === 0) return undefined;
        done += got;
      }
    } finally {
      closeSync(file);
    }
    return bytes.toString('utf8');
  }

  text(title: string): string | undefined {
    let current = title;
    for (let hop = 0; hop <= MAX_REDIRECT_HOPS; hop++) {
      const index = this.find(current);
      if (index < 0) return undefined;
      const text = this.read(index);
      const redirect = text === undefined ? null : REDIRECT.exec(text);
      if (!redirect) return text;
      current = fullTitle(parseTitle(redirect[1]!, this.namespaces), this.namespaces);
    }
    return undefined;
  }

  exists(title: string): boolean {
    return this.pages.has(title) || this.find(title) >= 0;
  }
}
