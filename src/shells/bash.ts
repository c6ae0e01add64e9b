import { posixShell } from './posix.js';

export const bash = posixShell('bash', '~/.bashrc');
