// What the benchmarks share: where the repository is, the row of a comparison with a peer, a median.
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../', import.meta.url));

/** One measured case against its peer (null: none to compare with). */
export interface Row {
  case: string;
  ours_ms: number;
  peer_ms: number | null;
  ratio: number | null;
  target: string;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
