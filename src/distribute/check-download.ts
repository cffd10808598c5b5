import { Bundle } from '../bundle/reader.js';
import { verifyBundle } from '../bundle/verify.js';
import { sha256File } from './pieces.js';

/** The whole file's SHA-256 from `<url>.sha256` when the server has one (ferry publish writes it). */
export async function publishedSha256(url: string): Promise<string | undefined> {
  const response = await fetch(`${url}.sha256`).catch(() => undefined);
  if (!response?.ok) return undefined;
  return /^([0-9a-f]{64})\b/i.exec((await response.text()).trim())?.[1]?.toLowerCase();
}

/**
 * Why a downloaded bundle must not replace anything, or undefined when it may: its SHA-256 is not
 * the published one, it does not verify (structure, every entry's CRC and SHA-256), or it is not
 * the bundle a catalog announced (its content digest).
 */
export async function downloadProblem(
  path: string,
  expected: { sha256?: string | undefined; contentDigest?: string | undefined },
): Promise<string | undefined> {
  if (expected.sha256 !== undefined && (await sha256File(path)) !== expected.sha256) {
    return 'its SHA-256 is not the published one';
  }
  const report = await verifyBundle(path);
  if (!report.ok) {
    const first = report.errors[0];
    return `it does not verify (${first?.entry ? `${first.entry}: ` : ''}${first?.message ?? 'damaged'})`;
  }
  if (expected.contentDigest) {
    const bundle = await Bundle.open(path);
    const digest = bundle.manifest.contentDigest;
    await bundle.close();
    if (digest !== expected.contentDigest) return 'it is not the bundle the catalog lists';
  }
  return undefined;
}
