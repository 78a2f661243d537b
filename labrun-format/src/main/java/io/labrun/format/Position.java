package io.labrun.format;

/** A 1-based line and column in a project file, as editors show them. */
record Position(int line, int column) {
  /** Where file-level problems (a missing key, an empty file) are reported. */
  static final Position FILE = new Position(1, 1);

  String in(String fileLabel) {
    return fileLabel + ":" + line + ":" + column;
  }
}
