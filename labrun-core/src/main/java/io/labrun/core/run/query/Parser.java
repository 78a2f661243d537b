package io.labrun.core.run.query;

import io.labrun.core.run.query.Expr.And;
import io.labrun.core.run.query.Expr.Compare;
import io.labrun.core.run.query.Expr.In;
import io.labrun.core.run.query.Expr.Not;
import io.labrun.core.run.query.Expr.Op;
import io.labrun.core.run.query.Expr.Or;
import io.labrun.core.run.query.Token.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Recursive descent over the tokens of a filter:
 *
 * <pre>
 * filter    := [or] [order by key (, key)*]
 * or        := and (or and)*
 * and       := unary (and unary)*
 * unary     := not unary | ( or ) | field op value | field [not] in ( value, ... ) | field [not] between value and value
 * field     := metrics.NAME | min(metrics.NAME) | max(metrics.NAME) | params.NAME | tags.NAME | attribute
 * key       := field [asc | desc]
 * </pre>
 */
final class Parser {
  private static final Set<String> KEYWORDS =
      Set.of("and", "or", "not", "in", "between", "order", "by", "asc", "desc");

  private final List<Token> tokens;
  private int pos;

  Parser(List<Token> tokens) {
    this.tokens = tokens;
  }

  RunFilter filter() {
    Expr where = null;
    if (!peek().isWord("order") && !peek().is(Type.END)) {
      where = or();
    }
    List<Order> order = new ArrayList<>();
    if (peek().isWord("order")) {
      next();
      expectWord("by", "write order by FIELD [asc|desc]");
      do {
        order.add(key());
      } while (accept(Type.COMMA));
    }
    Token end = peek();
    if (!end.is(Type.END)) {
      throw Syntax.at(
          end, "expected and, or, order by or the end of the filter, found " + end.shown());
    }
    return new RunFilter(where, order);
  }

  private Order key() {
    Field f = field();
    boolean desc = false;
    if (peek().isWord("desc") || peek().isWord("asc")) {
      desc = next().isWord("desc");
    }
    return new Order(f, desc);
  }

  private Expr or() {
    List<Expr> parts = new ArrayList<>(List.of(and()));
    while (peek().isWord("or")) {
      next();
      parts.add(and());
    }
    return parts.size() == 1 ? parts.get(0) : new Or(parts);
  }

  private Expr and() {
    List<Expr> parts = new ArrayList<>(List.of(unary()));
    while (peek().isWord("and")) {
      next();
      parts.add(unary());
    }
    return parts.size() == 1 ? parts.get(0) : new And(parts);
  }

  private Expr unary() {
    if (peek().isWord("not")) {
      next();
      return new Not(unary());
    }
    if (accept(Type.OPEN)) {
      Expr inner = or();
      expect(Type.CLOSE, "a ) to close the ( ");
      return inner;
    }
    return predicate();
  }

  private Expr predicate() {
    Field field = field();
    Token t = peek();
    boolean negated = false;
    if (t.isWord("not")) {
      next();
      negated = true;
      t = peek();
      if (!t.isWord("in") && !t.isWord("between")) {
        throw Syntax.at(
            t, "expected in or between after " + field.text() + " not, found " + t.shown());
      }
    }
    Expr e;
    if (t.isWord("in")) {
      next();
      e = in(field);
    } else if (t.isWord("between")) {
      next();
      Token low = next();
      expectWord("and", "write " + field.text() + " between LOW and HIGH");
      e = ComparedValues.between(field, low, next());
    } else if (t.is(Type.OP)) {
      Token symbol = next();
      Op op =
          Arrays.stream(Op.values())
              .filter(o -> o.symbol().equals(symbol.text()))
              .findFirst()
              .orElseThrow();
      e = new Compare(field, op, ComparedValues.of(field, op, next()));
    } else {
      throw Syntax.at(
          t,
          "expected an operator after "
              + field.text()
              + " (=, !=, <, <=, >, >=, ~, !~, in, between), found "
              + t.shown());
    }
    return negated ? new Not(e) : e;
  }

  private Expr in(Field field) {
    expect(Type.OPEN, "a ( to start the list, like " + field.text() + " in (1, 2)");
    List<Value> values = new ArrayList<>();
    do {
      values.add(ComparedValues.of(field, Op.EQ, next()));
    } while (accept(Type.COMMA));
    expect(Type.CLOSE, "a , or the ) that ends the list");
    return new In(field, values);
  }

  private Field field() {
    Token t = next();
    if (t.is(Type.WORD) && peek().is(Type.OPEN) && Field.Aggregate.parse(t.text()).isPresent()) {
      next();
      Token inner = next();
      Field f = FieldNames.of(inner);
      if (!(f instanceof Field.Metric m)) {
        throw Syntax.at(
            inner, t.text() + "(...) takes a metric, like " + t.text() + "(metrics.loss)");
      }
      expect(Type.CLOSE, "a ) after " + inner.text());
      return new Field.Metric(m.name(), Field.Aggregate.parse(t.text()).orElseThrow());
    }
    if (t.is(Type.WORD) && KEYWORDS.contains(t.text().toLowerCase(Locale.ROOT))) {
      throw Syntax.at(
          t,
          "expected a field (metrics.NAME, params.NAME, tags.NAME, status, created...), found "
              + t.shown());
    }
    return FieldNames.of(t);
  }

  private Token peek() {
    return tokens.get(pos);
  }

  private Token next() {
    Token t = tokens.get(pos);
    if (!t.is(Type.END)) {
      pos++;
    }
    return t;
  }

  private boolean accept(Type type) {
    if (peek().is(type)) {
      next();
      return true;
    }
    return false;
  }

  private void expect(Type type, String what) {
    Token t = peek();
    if (!t.is(type)) {
      throw Syntax.at(t, "expected " + what.strip() + ", found " + t.shown());
    }
    next();
  }

  private void expectWord(String word, String hint) {
    Token t = peek();
    if (!t.isWord(word)) {
      throw Syntax.at(t, "expected " + word + ", found " + t.shown() + "; " + hint);
    }
    next();
  }
}
