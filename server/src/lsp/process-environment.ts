/**
 * Environment the language server is started with, by the VS Code extension and by the
 * benchmark that measures it (other editors may set the same; see the README).
 *
 * glibc's malloc raises its trim threshold each time the process frees a big block (V8's
 * optimizing compiler frees many), and past it keeps freed memory instead of handing it
 * back: with the seed workspace open the server stays at about 77 MiB resident. Fixing the
 * threshold at glibc's own starting value (128 KiB) turns that adjustment off: about 69 MiB.
 * Other C libraries ignore the variable.
 */
export const SERVER_ENVIRONMENT: Readonly<Record<string, string>> = { MALLOC_TRIM_THRESHOLD_: '131072' };
