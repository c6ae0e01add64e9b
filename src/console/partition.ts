// Where a console sign-in goes: the partition's federation endpoint and console host, and the
// page to land on.
import { UserError } from '../errors.js';

export interface Partition {
  readonly name: string;
  /** The federation endpoint (getSigninToken and login). */
  readonly signin: string;
  /** The console's host. */
  readonly console: string;
  /** Where STS is called when the profile names no region. */
  readonly stsRegion: string;
}

const PARTITIONS: Record<string, Partition> = {
  aws: { name: 'aws', signin: 'https://signin.aws.amazon.com/federation', console: 'console.aws.amazon.com', stsRegion: 'us-east-1' },
  'aws-us-gov': { name: 'aws-us-gov', signin: 'https://signin.amazonaws-us-gov.com/federation', console: 'console.amazonaws-us-gov.com', stsRegion: 'us-gov-west-1' },
  'aws-cn': { name: 'aws-cn', signin: 'https://signin.amazonaws.cn/federation', console: 'console.amazonaws.cn', stsRegion: 'cn-north-1' },
};

/** The partition of a region (`cn-…`, `us-gov-…`, else the commercial one); null for one without a console. */
export function regionPartition(region: string): string | null {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  // The isolated partitions (us-iso-east-1, us-isob-…, eu-isoe-…) have no public sign-in.
  if (/^[a-z]{2}-iso[a-z]*-/.test(region)) return null;
  return 'aws';
}

/** The partition for a region, or for an ARN's partition when there is no region; commercial by default. */
export function partitionFor(region: string, arn: string | undefined): Partition {
  let name: string | null = 'aws';
  if (region !== '') name = regionPartition(region);
  else if (arn !== undefined) name = /^arn:([^:]+):/.exec(arn)?.[1] ?? 'aws';
  const p = name === null ? undefined : PARTITIONS[name];
  if (!p) throw new UserError(`no console sign-in for the partition of ${region || arn}: awsp signs in to aws, aws-cn and aws-us-gov`);
  return p;
}

// Services whose console lives under another path than their name, and short names people type.
const PATHS: Record<string, string> = {
  cloudformation: 'cloudformation',
  cfn: 'cloudformation',
  cloudwatch: 'cloudwatch',
  cw: 'cloudwatch',
  logs: 'cloudwatch',
  dynamodb: 'dynamodbv2',
  ddb: 'dynamodbv2',
  ec2: 'ec2',
  iam: 'iam',
  lambda: 'lambda',
  route53: 'route53/v2',
  r53: 'route53/v2',
  secretsmanager: 'secretsmanager',
  ssm: 'systems-manager',
  'step-functions': 'states',
  sfn: 'states',
  billing: 'billing',
  costexplorer: 'cost-management',
  sso: 'singlesignon',
};

/** Services without regions: their console takes no region parameter. */
const GLOBAL = new Set(['iam', 'route53/v2', 'billing', 'cost-management', 'organizations']);

/**
 * The page to land on: a console URL as given (https only), or a service's console home in
 * the region; the console's own home without a service.
 */
export function destination(service: string | undefined, region: string, partition: Partition): string {
  if (service !== undefined && /^[a-z][a-z0-9+.-]*:/i.test(service)) {
    let url: URL;
    try {
      url = new URL(service);
    } catch {
      throw new UserError(`--service takes a service name (s3, ec2...) or an https URL, not ${JSON.stringify(service)}`, 2);
    }
    if (url.protocol !== 'https:') throw new UserError(`--service takes a service name (s3, ec2...) or an https URL, not ${JSON.stringify(service)}`, 2);
    return url.href;
  }
  if (service !== undefined && !/^[a-z0-9][a-z0-9-]*$/.test(service)) {
    throw new UserError(`--service takes a service name (s3, ec2...) or an https URL, not ${JSON.stringify(service)}`, 2);
  }
  const path = service === undefined ? 'console' : (PATHS[service] ?? service);
  const query = region !== '' && !GLOBAL.has(path) ? `?region=${encodeURIComponent(region)}` : '';
  return `https://${partition.console}/${path}/home${query}`;
}
