// Region codes, from the AWS SDK's own partition data (the package installed with awsp), never
// a hand-typed list. The build reads them once and inlines the codes into cli.cjs and, with
// their names, into the shell integration for TAB; run from src/ (tests), they are read here.
import { closestNames } from './config/profiles.js';
import { show } from './context.js';

/** Inlined by scripts/build.mjs: the codes, separated by spaces. */
declare const AWSP_REGIONS: string | undefined;

export interface Region {
  readonly code: string;
  /** As the SDK names it: "Europe (Ireland)". */
  readonly description: string;
}

interface PartitionData {
  partitions: Array<{ id: string; regionRegex: string; regions: Record<string, { description?: string }> }>;
}

// Where @aws-sdk/core keeps the partition data (what its endpoint resolver reads).
const PARTITIONS_FILE = 'dist-es/submodules/client/util-endpoints/lib/aws/partitions.js';

/** Every region of every partition, read from the installed SDK; pseudo-regions (aws-global) left out. */
export function sdkRegions(): Region[] {
  const { createRequire } = process.getBuiltinModule('node:module');
  const { readFileSync } = process.getBuiltinModule('node:fs');
  const { dirname, join } = process.getBuiltinModule('node:path');
  const require = createRequire(import.meta.url);
  const file = join(dirname(require.resolve('@aws-sdk/core/package.json')), PARTITIONS_FILE);
  // The file is one `export const partitionsInfo = {…};` holding JSON.
  const text = readFileSync(file, 'utf8');
  const m = /^export const partitionsInfo = (\{[^]*\});?\s*$/.exec(text);
  if (!m) throw new Error(`the AWS SDK's partition data in ${file} has a new shape; update src/regions.ts`);
  const data = JSON.parse(m[1]!) as PartitionData;
  const out: Region[] = [];
  for (const p of data.partitions) {
    const real = new RegExp(p.regionRegex);
    for (const [code, r] of Object.entries(p.regions)) {
      if (real.test(code)) out.push({ code, description: r.description ?? code });
    }
  }
  if (out.length < 20) throw new Error(`only ${out.length} regions in the AWS SDK's partition data (${file})`);
  return out.sort((a, b) => a.code.localeCompare(b.code));
}

let codes: readonly string[] | undefined;

/** The region codes awsp knows. */
export function regionCodes(): readonly string[] {
  codes ??= typeof AWSP_REGIONS === 'string' ? AWSP_REGIONS.split(' ') : sdkRegions().map((r) => r.code);
  return codes;
}

/** A warning for a region the SDK does not know (it may be newer than awsp): null when it knows it. */
export function unknownRegionWarning(region: string): string | null {
  const known = regionCodes();
  if (known.includes(region)) return null;
  const near = closestNames(region, known)[0];
  return `${show(region)} is not a region the AWS SDK knows${near ? `; did you mean ${show(near)}?` : ''} (set anyway: it may be newer than awsp)`;
}
