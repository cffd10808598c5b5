/** A name that stands for another file of the same collection (a symlink, a redirect). */
export interface SourceAlias {
  path: string;
  target: string;
}

export interface SkippedInput {
  path: string;
  reason: string;
}

/** A file of a collection, read only when the packer gets to it. */
export interface SourceFile {
  /** The collection path: `/`-separated, relative, as in the bundle after `content/`. */
  path: string;
  size: number;
  read(): Promise<Buffer>;
}

/** What a source gives the packer: its files in ascending byte order of their paths, and more. */
export interface Collection {
  /** Names the source in messages (a folder, a mirror). */
  root: string;
  files: SourceFile[];
  aliases: SourceAlias[];
  skipped: SkippedInput[];
  newestMtimeMs: number;
  totalBytes: number;
}
