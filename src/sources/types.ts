/** What every source yields; sources know nothing of ZIP or of the bundle layout. */
export interface SourceFile {
  /** Path inside the collection, `/`-separated, relative. */
  path: string;
  data: Buffer;
}

/** A name that stands for another file of the same collection (a symlink, a redirect). */
export interface SourceAlias {
  path: string;
  target: string;
}

export interface SkippedInput {
  path: string;
  reason: string;
}
