/** The package root: one level above src/ in development and above dist/ when bundled. */
export const ROOT = new URL('../', import.meta.url);
