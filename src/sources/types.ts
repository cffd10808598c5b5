/** A name that stands for another file of the same collection (a symlink, a redirect). */
export interface SourceAlias {
  path: string;
  target: string;
}

export interface SkippedInput {
  path: string;
  reason: string;
}
