/**
 * Everything in the parser that relies on Chevrotain's internals, in one place.
 * Chevrotain is pinned to an exact version in package.json (and
 * test/parser/chevrotainPin.test.ts fails if the pin is loosened): after an
 * upgrade, read the Chevrotain sources these depend on before moving the pin.
 *
 * Internals read (undocumented fields of the parser instance):
 * - `RULE_STACK_IDX`: the depth of the rule being run (`ruleStackIdx()`), which
 *   indexes the partial node each active rule is building (`partials`);
 * - `RECORDING_PHASE`: true while `performSelfAnalysis` records the grammar (`recording()`);
 * - `SKIP_TOKEN()`: consumes one token without matching it (`skipToken()`).
 *
 * Methods of Chevrotain's traits replaced or wrapped on `RecoveringParser.prototype`
 * (the `Recoverable` and `RecognizerEngine` traits):
 * - `canRecoverWithSingleTokenInsertion` (wrapped: at the end of the file a
 *   closer is always insertable), and `canTokenTypeBeInsertedInRecovery`
 *   (the documented hook: which tokens recovery may insert);
 * - `defineRule` (its returned wrapper's `coreRule`, and the fields and methods
 *   it uses: `fullRuleNameToShort`, `subruleIdx`, `ruleInvocationStateUpdate`,
 *   `invokeRuleCatch`, `ruleFinallyStateUpdate`): the rule wrapper without a
 *   rest-argument array;
 * - `ruleInvocationStateUpdate` (wrapped: clears the partial node of a rule entered);
 * - `findReSyncTokenType`, `reSyncTo` (replaced, using `flattenFollowSet`,
 *   `addToResyncTokens`, `LA`, `SKIP_TOKEN`) and `tryInRepetitionRecovery`
 *   (wrapped): a declaration keyword in the middle of a line is no resume point.
 */
import { EmbeddedActionsParser, EOF, tokenMatcher, type IToken, type TokenType } from "chevrotain";
import * as T from "../tokens.js";
import { DECL_START } from "./tokenSets.js";

const baseCanInsert = (EmbeddedActionsParser.prototype as unknown as {
  canRecoverWithSingleTokenInsertion(t: TokenType, f: TokenType[]): boolean;
}).canRecoverWithSingleTokenInsertion;

/** The tokens recovery may insert (see `canTokenTypeBeInsertedInRecovery`). */
const INSERTABLE = new Set<TokenType>([T.RBrace, T.RParen, T.RBracket, T.Colon, T.Arrow, T.Comma, T.Equals, T.Percent]);

export class RecoveringParser extends EmbeddedActionsParser {
  /** The node each active rule is building, indexed by rule-stack depth (for recovery). */
  protected partials: unknown[] = [];

  /** The depth of the rule being run (Chevrotain's `RULE_STACK_IDX`): `partials[ruleStackIdx()]` is its node. */
  protected ruleStackIdx(): number {
    return (this as unknown as { RULE_STACK_IDX: number }).RULE_STACK_IDX;
  }

  /** True while Chevrotain records the grammar (every production must then be called). */
  protected recording(): boolean {
    return (this as unknown as { RECORDING_PHASE: boolean }).RECORDING_PHASE;
  }

  /** Consumes the next token whatever it is (Chevrotain's `SKIP_TOKEN`). */
  protected skipToken(): IToken {
    return (this as unknown as { SKIP_TOKEN(): IToken }).SKIP_TOKEN();
  }

  // Recovery by inserting a token is only useful for punctuation and a few
  // closing keywords; inserting a name or a number would invent user content.
  protected override canTokenTypeBeInsertedInRecovery(tokType: TokenType): boolean {
    return INSERTABLE.has(tokType);
  }

  /**
   * At the end of the file, a missing closer is inserted (one error, the
   * enclosing declaration completes) even though the grammar's follow sets
   * never mention the end of the file.
   */
  canRecoverWithSingleTokenInsertion(expectedTokType: TokenType, follows: TokenType[]): boolean {
    if (this.LA(1).tokenType === EOF && INSERTABLE.has(expectedTokType)) return true;
    return baseCanInsert.call(this, expectedTokType, follows);
  }
}

// Chevrotain wraps every rule in `function (...args) { … impl.apply(this, args) }`,
// which allocates an argument array on each of the millions of rule calls a
// large workspace makes. Our rules take at most one argument, so the wrapper
// used for sub-rule calls is replaced by the same logic with one fixed parameter.
{
  type RuleConfig = { resyncEnabled?: boolean; recoveryValueFunc?: (e: unknown) => unknown };
  type Impl = (arg?: unknown) => unknown;
  type Engine = {
    fullRuleNameToShort: Record<string, number>;
    subruleIdx: number;
    ruleInvocationStateUpdate(shortName: number, fullName: string, idx: number): void;
    invokeRuleCatch(e: unknown, resyncEnabled: boolean, recoveryValueFunc: (e: unknown) => unknown): unknown;
    ruleFinallyStateUpdate(): void;
  };
  const proto = RecoveringParser.prototype as unknown as {
    defineRule(this: Engine, name: string, impl: Impl, config: RuleConfig): { coreRule: (this: Engine, arg?: unknown) => unknown };
  };
  const base = proto.defineRule;
  const noRecoveryValue = (): undefined => undefined;
  proto.defineRule = function (this: Engine, ruleName, impl, config) {
    const wrapped = base.call(this, ruleName, impl, config);
    const resyncEnabled = Object.hasOwn(config, "resyncEnabled") ? config.resyncEnabled !== false : true;
    const recoveryValueFunc = Object.hasOwn(config, "recoveryValueFunc") ? config.recoveryValueFunc ?? noRecoveryValue : noRecoveryValue;
    const shortName = this.fullRuleNameToShort[ruleName]!;
    wrapped.coreRule = function invokeRule(this: Engine, arg?: unknown) {
      try {
        this.ruleInvocationStateUpdate(shortName, ruleName, this.subruleIdx);
        return impl.call(this, arg);
      } catch (e) {
        return this.invokeRuleCatch(e, resyncEnabled, recoveryValueFunc);
      } finally {
        this.ruleFinallyStateUpdate();
      }
    };
    return wrapped;
  };
}

// INVARIANT: a rule's partial node is cleared when the rule is entered, so
// recovery never hands back a node left by an earlier rule at the same depth.
{
  type Update = (shortName: unknown, fullName: unknown, idxInCallingRule: unknown) => void;
  const proto = RecoveringParser.prototype as unknown as { ruleInvocationStateUpdate: Update };
  const base = proto.ruleInvocationStateUpdate;
  // Fixed parameters (no rest array): this runs on every rule invocation.
  proto.ruleInvocationStateUpdate = function (this: { partials: unknown[]; RULE_STACK_IDX: number }, shortName, fullName, idxInCallingRule) {
    base.call(this, shortName, fullName, idxInCallingRule);
    // The slot below belongs to a child that has not started yet.
    this.partials[this.RULE_STACK_IDX] = undefined;
    this.partials[this.RULE_STACK_IDX + 1] = undefined;
  };
}

// Recovery skips to a point where parsing can resume. A declaration keyword
// (`owner`, `lead`, `stage`, …) in the middle of a line is almost always part
// of a broken statement (`-> owner kari`, `lead.role`), not the start of the
// next declaration: resyncing there would turn one error into a cascade. So
// during recovery such a keyword is only a resume point at the start of a line.
{
  type Engine = {
    LA(k: number): IToken;
    flattenFollowSet(): TokenType[];
    SKIP_TOKEN(): IToken;
    addToResyncTokens(t: IToken, list: IToken[]): void;
    findReSyncTokenType(): TokenType;
    reSyncTo(t: TokenType): IToken[];
    tryInRepetitionRecovery(rule: unknown, args: unknown, lookahead: () => boolean, expected: TokenType): void;
  };
  const proto = RecoveringParser.prototype as unknown as Engine;
  const midLineDeclKeyword = (tok: IToken, prev: IToken | undefined): boolean =>
    DECL_START.has(tok.tokenType) &&
    prev !== undefined &&
    !Number.isNaN(prev.startOffset) &&
    prev.tokenType !== EOF &&
    (prev.endLine ?? 0) >= (tok.startLine ?? 0);
  type Typed = TokenType & { tokenTypeIdx?: number; isParent?: boolean; categoryMatches?: number[] };
  proto.findReSyncTokenType = function (this: Engine) {
    // Which follow type each token type matches (itself or through a category),
    // built once per call so the scan below is O(1) per token.
    const byIdx: (TokenType | undefined)[] = [];
    let onlyEnd = true;
    for (const t of this.flattenFollowSet() as Typed[]) {
      if (t.tokenTypeIdx !== undefined) byIdx[t.tokenTypeIdx] ??= t;
      if (t.isParent) for (const c of t.categoryMatches ?? []) byIdx[c] ??= t;
      if (t !== EOF) onlyEnd = false;
    }
    // Nothing but the end of the file can follow: no need to scan for it.
    if (onlyEnd) return EOF;
    for (let k = 1; ; k++) {
      const tok = this.LA(k);
      const match = byIdx[tok.tokenTypeIdx];
      if (match !== undefined && (tok.tokenType === EOF || !midLineDeclKeyword(tok, this.LA(k - 1)))) return match;
      if (tok.tokenType === EOF) return EOF;
    }
  };
  proto.reSyncTo = function (this: Engine, tokType: TokenType) {
    const skipped: IToken[] = [];
    let next = this.LA(1);
    while (next.tokenType !== EOF && !(tokenMatcher(next, tokType) && !midLineDeclKeyword(next, this.LA(0)))) {
      next = this.SKIP_TOKEN();
      this.addToResyncTokens(next, skipped);
    }
    return skipped.slice(0, -1);
  };
  const baseRepetition = proto.tryInRepetitionRecovery;
  proto.tryInRepetitionRecovery = function (this: Engine, rule, args, lookahead, expected) {
    const self = this;
    const guarded = function (this: Engine): boolean {
      return !midLineDeclKeyword(self.LA(1), self.LA(0)) && lookahead.call(this);
    };
    baseRepetition.call(this, rule, args, guarded, expected);
  };
}

