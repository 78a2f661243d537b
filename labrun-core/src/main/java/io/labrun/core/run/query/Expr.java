package io.labrun.core.run.query;

import java.util.List;

/**
 * A filter's condition, as parsed: a tree of {@code and}, {@code or}, {@code not} and comparisons.
 */
public sealed interface Expr {
  record And(List<Expr> parts) implements Expr {
    public And {
      parts = List.copyOf(parts);
    }
  }

  record Or(List<Expr> parts) implements Expr {
    public Or {
      parts = List.copyOf(parts);
    }
  }

  /** The runs the inner condition does not match (a run without the field included). */
  record Not(Expr inner) implements Expr {}

  /** {@code field op value}; a run without the field never matches. */
  record Compare(Field field, Op op, Value value) implements Expr {}

  /** {@code field in (v1, v2...)}. */
  record In(Field field, List<Value> values) implements Expr {
    public In {
      values = List.copyOf(values);
    }
  }

  /** {@code field between low and high}, both ends included. */
  record Between(Field field, Value low, Value high) implements Expr {}

  /** Comparison operators, with the symbols users type. */
  enum Op {
    EQ("="),
    NE("!="),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">="),
    MATCH("~"),
    NOT_MATCH("!~");

    private final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }
  }
}
