import { posixShell } from './posix.js';

export const zsh = posixShell('zsh', '~/.zshrc');
