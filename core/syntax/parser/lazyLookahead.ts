/**
 * Chevrotain's LL(k) lookahead, each decision's function built on its first use instead of all
 * of them when the parser is built. Building the parser (`performSelfAnalysis`) computes the
 * lookahead paths of every alternation and repetition of the grammar; a process that parses one
 * small file uses few of them, and a process that parses much uses each of them many times, so
 * the paths are computed only for the decisions the input reaches (issue 20: the start of every
 * command that parses). The functions are the ones Chevrotain would have built, from the same
 * grammar, so parsing is unchanged. Public API only (`LLkLookaheadStrategy`, `ILookaheadStrategy`).
 */
import { LLkLookaheadStrategy, type ILookaheadStrategy } from "chevrotain";

type AlternationOptions = Parameters<ILookaheadStrategy["buildLookaheadForAlternation"]>[0];
type OptionalOptions = Parameters<ILookaheadStrategy["buildLookaheadForOptional"]>[0];
type AlternationFn = ReturnType<ILookaheadStrategy["buildLookaheadForAlternation"]>;
type OptionalFn = ReturnType<ILookaheadStrategy["buildLookaheadForOptional"]>;

export function lazyLookahead(maxLookahead: number): ILookaheadStrategy {
  const llk = new LLkLookaheadStrategy({ maxLookahead });
  return {
    // The grammar's checks (run unless `skipValidations`, i.e. outside production builds) stay eager.
    validate: (options) => llk.validate(options),
    buildLookaheadForAlternation(options: AlternationOptions): AlternationFn {
      let built: AlternationFn | undefined;
      return function (this: unknown, orAlts) {
        return (built ??= llk.buildLookaheadForAlternation(options)).call(this, orAlts);
      };
    },
    buildLookaheadForOptional(options: OptionalOptions): OptionalFn {
      let built: OptionalFn | undefined;
      return function (this: unknown) {
        return (built ??= llk.buildLookaheadForOptional(options)).call(this);
      };
    },
  };
}
