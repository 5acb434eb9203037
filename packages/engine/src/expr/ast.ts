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

/** A syntax or evaluation problem, with the offset in the expression where it was found. */
export class ExpressionError extends Error {
  readonly pos: number;
  constructor(message: string, pos: number) {
    super(message);
    this.name = 'ExpressionError';
    this.pos = pos;
  }
}
