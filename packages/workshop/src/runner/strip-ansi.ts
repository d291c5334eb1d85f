// CSI sequences (colours, cursor moves), OSC sequences (hyperlinks, titles) and lone two-byte escapes.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape byte is the point.
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

/** `text` without terminal escape sequences: what a log file or a pipe should get when colour is off. */
export const stripAnsi = (text: string): string => text.replace(ANSI, '');
