// Fuzzy matching for the picker: every character of a term must appear in order
// (case-insensitive); a match scores higher when its characters are close together and start
// words. Whitespace separates terms, and every term must match. A term may match the profile's
// name or, for less, its account id or role. Written for speed: 10,000 profiles re-filter per
// keystroke in a few milliseconds (`npm run bench`), and typing more of a query only looks at
// what the shorter query matched.

export interface Candidate {
  /** The profile name as shown, and lower-cased for matching. */
  readonly name: string;
  readonly nameLower: string;
  /** Account id and role, space-separated; matched when the name is not. */
  readonly extra: string;
  readonly extraLower: string;
}

export function candidate(name: string, extra: string): Candidate {
  return { name, nameLower: name.toLowerCase(), extra, extraLower: extra.toLowerCase() };
}

const MATCH = 16;
const GAP_START = -3;
const GAP_EXTEND = -1;
const BONUS_START = 10; // the first character of the text
const BONUS_WORD = 8; // after - _ . / : @ space and the like
const BONUS_CAMEL = 6; // an upper-case letter after a lower-case one
const BONUS_CONSECUTIVE = 5;
/** What a term matched in the account id or role scores less than one in the name. */
const EXTRA_PENALTY = 24;
const NO_MATCH = -1e9;

/** Letters and digits continue a word; anything else ends one. */
const isAlnum = (x: number): boolean => (x >= 48 && x <= 57) || (x >= 65 && x <= 90) || (x >= 97 && x <= 122) || x > 127;

function isWordStart(text: string, i: number): number {
  if (i === 0) return BONUS_START;
  const prev = text.charCodeAt(i - 1);
  if (!isAlnum(prev)) return BONUS_WORD;
  const c = text.charCodeAt(i);
  if (prev >= 97 && prev <= 122 && c >= 65 && c <= 90) return BONUS_CAMEL;
  return 0;
}

/**
 * Where `term` (lower case) matches `lower` (the lower-cased `text`): the shortest window that
 * ends where the earliest full match ends, scored; or null. `positions` receives the matched
 * indices when given.
 */
function matchOne(term: string, text: string, lower: string, positions?: number[]): number {
  const n = term.length;
  if (n === 0) return 0;
  // Forward: the earliest end of a match.
  let at = -1;
  for (let k = 0; k < n; k++) {
    at = lower.indexOf(term[k]!, at + 1);
    if (at < 0) return NO_MATCH;
  }
  // Backward from there: the latest start, so the window is as tight as greed allows.
  let start = at;
  for (let k = n - 1; k >= 0; k--) {
    const c = term.charCodeAt(k);
    while (lower.charCodeAt(start) !== c) start--;
    if (k > 0) start--;
  }
  let score = 0;
  let k = 0;
  let gap = 0;
  // A run of consecutive matches keeps the bonus of where it started: `prod` in `acme-prod`
  // scores as a word, above `p-r-o-d` spread over four.
  let runBonus = -1;
  let want = term.charCodeAt(0);
  for (let i = start; i <= at && k < n; i++) {
    if (lower.charCodeAt(i) === want) {
      const own = isWordStart(text, i);
      const bonus = runBonus < 0 ? own : Math.max(own, runBonus, BONUS_CONSECUTIVE);
      if (runBonus < 0) runBonus = own;
      score += MATCH + (k === 0 ? 2 * bonus : bonus);
      if (positions !== undefined) positions.push(i);
      k++;
      if (k < n) want = term.charCodeAt(k);
      gap = 0;
    } else {
      score += gap === 0 ? GAP_START : GAP_EXTEND;
      gap++;
      runBonus = -1;
    }
  }
  return score;
}

/** The terms of a query: lower case, split at whitespace. */
export const terms = (query: string): string[] => query.toLowerCase().split(/\s+/).filter((t) => t !== '');

/** The score of one candidate for all terms, or null when a term does not match. */
export function score(c: Candidate, ts: readonly string[]): number | null {
  let total = 0;
  for (const t of ts) {
    let s = matchOne(t, c.name, c.nameLower);
    if (s === NO_MATCH) {
      s = matchOne(t, c.extra, c.extraLower);
      if (s === NO_MATCH) return null;
      s -= EXTRA_PENALTY;
    }
    total += s;
  }
  return total;
}

/** Which characters of the name each term matched, for highlighting (terms that matched elsewhere add none). */
export function namePositions(c: Candidate, ts: readonly string[]): Set<number> {
  const out = new Set<number>();
  for (const t of ts) {
    const ps: number[] = [];
    if (matchOne(t, c.name, c.nameLower, ps) !== NO_MATCH) for (const p of ps) out.add(p);
  }
  return out;
}

/** Which characters of the extra text (account id and role) each term matched when the name did not. */
export function extraPositions(c: Candidate, ts: readonly string[]): Set<number> {
  const out = new Set<number>();
  for (const t of ts) {
    if (matchOne(t, c.name, c.nameLower) !== NO_MATCH) continue;
    const ps: number[] = [];
    if (matchOne(t, c.extra, c.extraLower, ps) !== NO_MATCH) for (const p of ps) out.add(p);
  }
  return out;
}

// Sort keys: scores are integers, held within ±2^20 (a typed term of 1,000 characters scores
// under 2^16), names are cut at 255 for the tiebreak, and up to 2^22 profiles: under 2^53 in all.
const SCORE_CEILING = 2 ** 20;
const INDEX_LIMIT = 2 ** 22;

/**
 * Filters and ranks. Keeps the last query's answer, so a query that extends it (one more
 * character typed) only scores what already matched.
 */
export class Matcher {
  private lastQuery = '';
  private lastMatches: Int32Array;

  constructor(private readonly items: readonly Candidate[]) {
    this.lastMatches = Int32Array.from(items.keys());
  }

  /** Indices into the items: best match first; ties go to the shorter name, then the original order. */
  filter(query: string): Int32Array {
    const ts = terms(query);
    const all = this.items;
    if (ts.length === 0) {
      this.lastQuery = '';
      this.lastMatches = Int32Array.from(all.keys());
      return this.lastMatches;
    }
    // Each old term is the start of the new term in its place: what matches now matched before.
    const old = terms(this.lastQuery);
    const narrowing = old.length > 0 && old.length <= ts.length && old.every((t, i) => ts[i]!.startsWith(t));
    const pool = narrowing ? this.lastMatches : null;
    const count = pool === null ? all.length : pool.length;
    // One number per match orders it (score, then name length, then index), so the sort is
    // the typed array's own numeric one, with no comparator to call.
    const keys = new Float64Array(count);
    let found = 0;
    for (let j = 0; j < count; j++) {
      const i = pool === null ? j : pool[j]!;
      const c = all[i]!;
      const s = score(c, ts);
      if (s !== null) keys[found++] = ((SCORE_CEILING - Math.max(1 - SCORE_CEILING, Math.min(SCORE_CEILING - 1, s))) * 256 + Math.min(c.name.length, 255)) * INDEX_LIMIT + i;
    }
    const sorted = keys.subarray(0, found).sort();
    const out = new Int32Array(found);
    for (let j = 0; j < found; j++) out[j] = sorted[j]! % INDEX_LIMIT;
    this.lastQuery = query;
    this.lastMatches = out;
    return out;
  }
}

/**
 * Work that gets V8 to compile and optimize the matcher for these items' shape before the
 * first key: the picker runs one step at a time once the list is drawn, while the user reads
 * it, and stops at the first key. Without it the first keys at 10,000 profiles take several
 * frames. Queries are made of the items' own letters: some match names, some only account ids
 * or roles, some nothing, some narrow the one before.
 */
export function warmUpSteps(items: readonly Candidate[]): Array<() => void> {
  const some = items.slice(0, 5000);
  if (some.length === 0) return [];
  const m = new Matcher(some);
  const name = some[0]!.nameLower;
  const extra = some[some.length - 1]!.extraLower.trim();
  const queries = [name.slice(0, 1), name.slice(0, 2), name.slice(0, 3), '', extra.slice(0, 2), `${name.slice(0, 1)} ${extra.slice(-1)}`, '\u{10ffff}', name.slice(-2), ''];
  return [...queries, ...queries].map((q) => () => void m.filter(q));
}
