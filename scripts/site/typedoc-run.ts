/**
 * Runs typedoc (the one tool that builds the site) over the build folder's markdown and the
 * API, with one change to its markdown: a code span in a heading keeps its text in the page's
 * outline and anchor (typedoc reads only a heading's plain text tokens, so `Mechanism 2: … (`x`)`
 * became "Mechanism 2: … ()").
 * @module
 */
import {
  Application,
  DefaultTheme,
  DefaultThemeRenderContext,
  JSX,
  KindRouter,
  LogLevel,
  PageKind,
  Reflection,
  ReflectionKind,
  TSConfigReader,
  TypeDocReader,
  type Options,
  type PageEvent,
  type Router,
  type RouterTarget,
} from 'typedoc';
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

/**
 * typedoc's kind router with pages only for modules (and the project documents): every
 * function, class, interface, type and constant is a section of its module's page, linked by
 * anchor. One source file is one page, as a reader of the specification looks things up, and
 * the site has a few hundred pages instead of one per exported name.
 */
export class ModuleRouter extends KindRouter {
  protected override getPageKind(target: RouterTarget): PageKind | undefined {
    if (!(target instanceof Reflection)) return undefined;
    if (target.kindOf(ReflectionKind.Module | ReflectionKind.Namespace)) return PageKind.Reflection;
    if (target.kindOf(ReflectionKind.Document)) return PageKind.Document;
    return undefined;
  }
}

/** The name {@link ModuleRouter} is registered under. */
export const MODULE_ROUTER = 'semodel-module';

/**
 * The default theme's page context, with a module page that shows, after its index, every
 * member in full (signatures, types, comments): what typedoc shows on a member's own page.
 */
class ModulePageContext extends DefaultThemeRenderContext {
  constructor(router: Router, theme: DefaultTheme, page: PageEvent<Reflection>, options: Options) {
    super(router, theme, page, options);
    const index = this.moduleReflection;
    this.moduleReflection = (mod) => JSX.createElement(JSX.Fragment, null, index(mod), this.members(mod));
    const declaration = this.memberDeclaration;
    // A class, interface or enum has no type of its own: its heading line is its kind, name and
    // what it extends (typedoc's line would read `Name: any`); its members follow it.
    this.memberDeclaration = (props) => {
      if (!props.kindOf(ReflectionKind.ClassOrInterface | ReflectionKind.Enum)) return declaration(props);
      const keyword = props.kindOf(ReflectionKind.Class) ? 'class' : props.kindOf(ReflectionKind.Interface) ? 'interface' : 'enum';
      const extended = props.extendedTypes ?? [];
      return JSX.createElement(
        JSX.Fragment,
        null,
        JSX.createElement(
          'div',
          { class: 'tsd-signature' },
          JSX.createElement('span', { class: 'tsd-signature-keyword' }, keyword),
          ' ',
          JSX.createElement('span', { class: 'tsd-kind-' + keyword }, props.name),
          ...(extended.length === 0 ? [] : [' ', JSX.createElement('span', { class: 'tsd-signature-keyword' }, 'extends'), ' ', ...extended.flatMap((t, i) => (i === 0 ? [this.type(t)] : [', ', this.type(t)]))]),
        ),
        this.commentSummary(props),
        props.typeParameters === undefined ? null : this.typeParameters(props.typeParameters),
        this.commentTags(props),
      );
    };
  }
}

/** The default theme with {@link ModulePageContext}. */
export class ModulePageTheme extends DefaultTheme {
  override getRenderContext(page: PageEvent<Reflection>): DefaultThemeRenderContext {
    return new ModulePageContext(this.router, this, page, this.application.options);
  }
}

/** The name {@link ModulePageTheme} is registered under. */
export const MODULE_THEME = 'semodel-module';

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
  app.renderer.defineRouter(MODULE_ROUTER, ModuleRouter);
  app.options.setValue('router', MODULE_ROUTER);
  app.renderer.defineTheme(MODULE_THEME, ModulePageTheme);
  app.options.setValue('theme', MODULE_THEME);
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
