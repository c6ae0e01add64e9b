// A unified diff of two texts, line by line, as `diff -u` prints it, for `--dry-run`. The lines
// both texts share at the start and the end are set aside first, so the quadratic part only
// sees what changed (one block of the config file).

interface Op {
  kind: ' ' | '-' | '+';
  line: string;
}

const split = (text: string): string[] => {
  const ls = text.split(/\r\n|\r|\n/);
  if (ls[ls.length - 1] === '') ls.pop();
  return ls;
};

function middle(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  // Too large to pair up line by line: still a correct diff, only less tidy.
  if (n * m > 4_000_000) return [...a.map((line): Op => ({ kind: '-', line })), ...b.map((line): Op => ({ kind: '+', line }))];
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i]! });
      i++;
      j++;
    } else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) ops.push({ kind: '-', line: a[i++]! });
    else ops.push({ kind: '+', line: b[j++]! });
  }
  return ops;
}

/** `--- LABEL` / `+++ LABEL` and hunks with three lines of context; '' when the texts are the same. */
export function unifiedDiff(before: string, after: string, label: string, context = 3): string {
  if (before === after) return '';
  const a = split(before);
  const b = split(after);
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let post = 0;
  while (post < a.length - pre && post < b.length - pre && a[a.length - 1 - post] === b[b.length - 1 - post]) post++;
  const ops: Op[] = [
    ...a.slice(0, pre).map((line): Op => ({ kind: ' ', line })),
    ...middle(a.slice(pre, a.length - post), b.slice(pre, b.length - post)),
    ...a.slice(a.length - post).map((line): Op => ({ kind: ' ', line })),
  ];
  const out = [`--- ${label}`, `+++ ${label}`];
  let k = 0;
  while (k < ops.length) {
    if (ops[k]!.kind === ' ') {
      k++;
      continue;
    }
    // A hunk: from `context` lines before this change to `context` lines after the last change
    // that is not separated from the next by more than 2 × context unchanged lines.
    const start = Math.max(0, k - context);
    let end = k;
    for (let q = k; q < ops.length; q++) {
      if (ops[q]!.kind !== ' ') end = q;
      else if (q - end > 2 * context) break;
    }
    const stop = Math.min(ops.length, end + context + 1);
    let oldLine = 1;
    let newLine = 1;
    for (let q = 0; q < start; q++) {
      if (ops[q]!.kind !== '+') oldLine++;
      if (ops[q]!.kind !== '-') newLine++;
    }
    const hunk = ops.slice(start, stop);
    const oldCount = hunk.filter((o) => o.kind !== '+').length;
    const newCount = hunk.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${oldCount === 0 ? oldLine - 1 : oldLine},${oldCount} +${newCount === 0 ? newLine - 1 : newLine},${newCount} @@`);
    for (const o of hunk) out.push(`${o.kind}${o.line}`);
    k = stop;
  }
  return `${out.join('\n')}\n`;
}
