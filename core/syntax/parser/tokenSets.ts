/** Sets of token types that the grammar and its recovery test against. */
import type { TokenType } from "chevrotain";
import * as T from "../tokens.js";
import { Kw } from "../tokens.js";

export const TOP_LEVEL = new Set<TokenType>(T.TOP_LEVEL_KEYWORDS.map((k) => Kw[k]));
/** Tokens that can start a declaration or import. */
export const DECL_START = TOP_LEVEL;

export const OPENERS = new Set<TokenType>([T.LParen, T.LBracket, T.LBrace]);
export const CLOSERS = new Set<TokenType>([T.RParen, T.RBracket, T.RBrace]);
