// Where a service's calls go when the user configured it, decided as botocore decides
// (configprovider.py, ConfiguredEndpointProvider), for the profile awsp was asked for. The AWS SDK
// for JavaScript looks these settings up in the AWS_PROFILE profile, whatever profile its client
// is given, so awsp decides and hands the SDK the answer.
import { show } from '../context.js';
import { UserError } from '../errors.js';
import { SPLITLINES } from './ini.js';
import { namedSection, type ProfileSet } from './profiles.js';

type Env = Record<string, string | undefined>;

/** botocore's _parse_nested: the `key = value` lines of an indented block. */
function nested(value: string): Map<string, string> {
  const parsed = new Map<string, string>();
  for (const line of value.split(SPLITLINES)) {
    const eq = line.indexOf('=');
    if (line.trim() === '' || eq < 0) continue;
    parsed.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return parsed;
}

/**
 * The endpoint URL configured for SERVICE (its service id: `sts`, `sso`) and PROFILE, or undefined
 * for the service's own. In botocore's order: AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the
 * service's entry in the profile's services section, the profile's endpoint_url; none of them when
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (or the profile's ignore_configured_endpoint_urls) is true.
 */
export function configuredEndpoint(set: ProfileSet, profile: string, env: Env, service: string): string | undefined {
  const options = set.profiles.find((p) => p.name === profile)?.options ?? new Map<string, string>();
  const ignore = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? options.get('ignore_configured_endpoint_urls');
  if (ignore?.toLowerCase() === 'true') return undefined;
  const fromEnv = env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`] || env.AWS_ENDPOINT_URL;
  if (fromEnv) return fromEnv;
  const services = options.get('services');
  if (services !== undefined) {
    const section = namedSection(set, 'services', services);
    if (!section || section.size === 0) {
      throw new UserError(`profile ${show(profile)} names services ${show(services)}, but the config has no [services ${services}]`);
    }
    const url = nested(section.get(service.toLowerCase()) ?? '').get('endpoint_url');
    if (url) return url;
  }
  return options.get('endpoint_url') || undefined;
}

/** An SDK client's endpoint settings: the one awsp found, or none of the SDK's own lookup (which reads the wrong profile). */
export const endpointConfig = (url: string | undefined): { endpoint: string } | { ignoreConfiguredEndpointUrls: true } =>
  url ? { endpoint: url } : { ignoreConfiguredEndpointUrls: true };
