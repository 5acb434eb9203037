/** The syntax tree of an expression. Evaluated by a small interpreter; nothing is compiled. */
export type Expr =
  | { kind: 'literal'; value: unknown; pos: number }
  | { kind: 'name'; name: string; pos: number }
  | { kind: 'member'; object: Expr; property: Expr; pos: number }
  | { kind: 'unary'; op: '!' | '-'; operand: Expr; pos: number }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; pos: number }
  | { kind: 'conditional'; test: Expr; then: Expr; otherwise: Expr; pos: number }
  | { kind: 'filter'; name: string; input: Expr; args: Expr[]; pos: number }
  | { kind: 'array'; items: Expr[]; pos: number }
  | { kind: 'object'; entries: { key: string; value: Expr }[]; pos: number };

export type BinaryOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||' | '??' | '+' | '-' | '*' | '/' | '%';

/**
 * What kind of problem: `syntax` (does not parse), `too_deep` (parses, but its tree is deeper
 * than the parser allows), `evaluation` (a run-time problem: a wrong type, an unknown name).
 */
export type ExpressionErrorKind = 'syntax' | 'too_deep' | 'evaluation';

/** A syntax or evaluation problem, with the offset in the expression where it was found. */
export class ExpressionError extends Error {
  readonly pos: number;
  readonly kind: ExpressionErrorKind;
  constructor(message: string, pos: number, kind: ExpressionErrorKind = 'evaluation') {
    super(message);
    this.name = 'ExpressionError';
    this.pos = pos;
    this.kind = kind;
  }
}

/** The sub-expressions of a node, in source order (for walks over the tree). */
export function childrenOf(expr: Expr): Expr[] {
  switch (expr.kind) {
    case 'member':
      return [expr.object, expr.property];
    case 'unary':
      return [expr.operand];
    case 'binary':
      return [expr.left, expr.right];
    case 'conditional':
      return [expr.test, expr.then, expr.otherwise];
    case 'filter':
      return [expr.input, ...expr.args];
    case 'array':
      return expr.items;
    case 'object':
      return expr.entries.map((entry) => entry.value);
    default:
      return [];
  }
}
