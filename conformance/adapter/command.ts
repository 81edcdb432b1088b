/**
 * How an adapter command line is split into a program and its arguments, like a POSIX shell
 * does for simple cases, so that the program runs without a shell (nothing is expanded, and the
 * process the client stops is the adapter itself, not a shell around it).
 * @module
 */

/** Why a command line cannot be split. */
export class CommandLineError extends Error {
  override readonly name = 'CommandLineError';
}

/**
 * The words of `command`: split at unquoted blanks; `'…'` quotes literally, `"…"` quotes with
 * `\"`, `\\`, `\$` and `` \` `` as escapes, and a backslash outside quotes takes the next
 * character as it is. No variables, globs, pipes or redirections: `a|b` is one word.
 * @example
 * ```ts
 * splitCommand(`python3 "my adapter.py" --flag 'a b'`); // ['python3', 'my adapter.py', '--flag', 'a b']
 * ```
 */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i] as string;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < command.length && '"\\$`'.includes(command[i + 1] as string)) word += command[++i] as string;
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 >= command.length) throw new CommandLineError('the command ends with a backslash');
      word += command[++i] as string;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote !== undefined) throw new CommandLineError(`the command has an unclosed ${quote} quote`);
  if (inWord) words.push(word);
  return words;
}
