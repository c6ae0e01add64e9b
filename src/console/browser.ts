// Opens the sign-in URL in the browser without putting it on a command line, where any local
// user could read it (ps, /proc): the browser is given a one-time address on 127.0.0.1 that
// answers its first request with a redirect to the sign-in URL, then stops listening. This is
// the secure redirect AWS recommends for handing out the URL.
import { spawn } from 'node:child_process';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Env } from '../context.js';
import { shlexSplit } from '../config/shlex.js';
import { UserError } from '../errors.js';
import { escapeText } from '../text.js';

/** How long the browser has to ask for the page. */
const WAIT_MS = 120_000;

/**
 * The commands to try, in order: each entry of $BROWSER (`:`-separated, `%s` standing for the
 * URL, else the URL appended, as Python's webbrowser and xdg-utils read it), else the
 * platform's opener.
 */
export function browserCommands(env: Env, url: string, platform = process.platform): string[][] {
  const entries = (env.BROWSER ?? '').split(':').filter((e) => e.trim() !== '');
  if (entries.length === 0) return platform === 'darwin' ? [['open', url]] : [['xdg-open', url]];
  return entries.map((e) => {
    const words = shlexSplit(e) ?? [e];
    return words.some((w) => w.includes('%s')) ? words.map((w) => w.replaceAll('%s', url)) : [...words, url];
  });
}

export async function openInBrowser(url: string, env: Env, childEnv: Env): Promise<void> {
  const http = process.getBuiltinModule('node:http');
  const secret = Buffer.from(`/${randomBytes(32).toString('base64url')}`);
  let settle: (error: UserError | null) => void = () => {};
  const done = new Promise<UserError | null>((resolve) => (settle = resolve));

  let served = false;
  const server = http.createServer((req, res) => {
    const path = Buffer.from(req.url ?? '');
    const ok = !served && req.method === 'GET' && path.length === secret.length && timingSafeEqual(path, secret);
    if (!ok) {
      res.writeHead(404, { 'cache-control': 'no-store' }).end();
      return;
    }
    served = true;
    res.writeHead(302, { location: url, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
    res.end(() => settle(null));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const local = `http://127.0.0.1:${(server.address() as AddressInfo).port}${secret.toString()}`;

  const timer = setTimeout(
    () => settle(new UserError('the browser did not ask for the sign-in page within 2 minutes; awsp console --url prints the URL instead')),
    WAIT_MS,
  );
  const commands = browserCommands(env, local);
  const tryNext = (i: number): void => {
    const argv = commands[i];
    if (argv === undefined) {
      settle(
        new UserError(
          env.BROWSER ? `cannot run the browser named in BROWSER (${escapeText(env.BROWSER)})` : 'no browser to open the console in: set BROWSER, or print the URL with awsp console --url',
        ),
      );
      return;
    }
    const [cmd, ...args] = argv;
    // Its own process group: a Ctrl-C for awsp does not close the browser it started.
    const child = spawn(cmd!, args, { stdio: 'ignore', detached: true, env: childEnv });
    child.on('error', () => tryNext(i + 1));
    child.on('exit', (code, signal) => {
      // An opener hands the page to a running browser and exits 0 before it is asked for: keep waiting.
      if (!served && (code !== 0 || signal !== null)) {
        settle(new UserError(`the browser command ${escapeText(cmd!)} failed (${signal ?? `exit ${code}`}) before opening the page; awsp console --url prints the URL instead`));
      }
    });
    child.unref();
  };
  tryNext(0);

  const error = await done;
  clearTimeout(timer);
  server.closeAllConnections();
  server.close();
  if (error) throw error;
}
