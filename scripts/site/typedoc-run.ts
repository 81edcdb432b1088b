/**
 * Runs typedoc (the one tool that builds the site) over the build folder's markdown and the
 * API, with one change to its markdown: a code span in a heading keeps its text in the page's
 * outline and anchor (typedoc reads only a heading's plain text tokens, so `Mechanism 2: … (`x`)`
 * became "Mechanism 2: … ()").
 * @module
 */
import { Application, LogLevel, TSConfigReader, TypeDocReader } from 'typedoc';
import { GROUP_ORDER } from './navigation.js';

/** The markdown-it instance typedoc passes its loader (only the parts used here). */
interface MarkdownItLike {
  readonly core: { readonly ruler: { push(name: string, rule: (state: CoreState) => void): void } };
}
interface TokenLike {
  type: string;
  content: string;
  children: TokenLike[] | null;
}
interface CoreState {
  readonly tokens: TokenLike[];
  readonly Token: new (type: string, tag: string, nesting: number) => TokenLike;
}

/** Gives every code span inside a heading a text child, which typedoc's outline and slug read. */
export function codeSpansInHeadings(md: MarkdownItLike): void {
  md.core.ruler.push('semodel-heading-code', (state) => {
    state.tokens.forEach((t, i) => {
      if (t.type !== 'inline' || state.tokens[i - 1]?.type !== 'heading_open') return;
      for (const child of t.children ?? []) {
        if (child.type !== 'code_inline') continue;
        const text = new state.Token('text', '', 0);
        text.content = child.content;
        child.children = [text];
      }
    });
  });
}

/** What a typedoc run reported. */
export interface TypedocResult {
  readonly ok: boolean;
  readonly errors: number;
  readonly warnings: number;
}

/**
 * Builds the site into `out` from typedoc.json (its entry points, the build folder's documents),
 * with `footer` (HTML) at the foot of every page and `documents` (paths from the repository
 * root) as the project documents, in navigation order.
 *
 * While the pages render, `Date.now` stands still. Shiki, typedoc's highlighter, gives up on a
 * line whose tokenizing takes over 500 ms by that clock and leaves the rest of the line plain;
 * on a busy machine some lines did, and two builds differed. With the clock still, every line
 * is tokenized whole, whatever the load. Nothing the site shows comes from the clock.
 */
export async function runTypedoc(out: string, footer: string, documents: readonly string[]): Promise<TypedocResult> {
  const app = await Application.bootstrapWithPlugins(
    { out, logLevel: LogLevel.Warn, markdownItLoader: codeSpansInHeadings, customFooterHtml: footer, projectDocuments: [...documents], groupOrder: [...GROUP_ORDER, '*'] },
    [new TypeDocReader(), new TSConfigReader()],
  );
  const project = await app.convert();
  if (project === undefined) return { ok: false, errors: app.logger.errorCount, warnings: app.logger.warningCount };
  const now = Date.now;
  const still = now();
  Date.now = () => still;
  try {
    await app.generateOutputs(project);
  } finally {
    Date.now = now;
  }
  return { ok: !app.logger.hasErrors(), errors: app.logger.errorCount, warnings: app.logger.warningCount };
}
