package io.labrun.core.run.query;

import io.labrun.core.error.LabrunException;

/** A filter that cannot be read: one line naming the column and what to write instead. */
final class Syntax {
  private Syntax() {}

  static LabrunException at(int column, String what) {
    return LabrunException.badInput("filter, column " + column + ": " + what);
  }

  static LabrunException at(Token t, String what) {
    return at(t.column(), what);
  }
}
