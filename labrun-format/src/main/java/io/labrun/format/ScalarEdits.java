package io.labrun.format;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Changes the values of single-line scalars where they are written ({@code enabled: false} to
 * {@code enabled: true}), leaving every other byte of the file alone: the comments inside a nested
 * block too, which a block rewrite ({@link YamlEditor}) would lose. Anything else (a list or map, a
 * value without text, a value on its own line) is not done here.
 */
final class ScalarEdits {
  private ScalarEdits() {}

  /**
   * The text with each entry's value replaced by the new plain value, or empty when one cannot be
   * changed in place.
   */
  static Optional<String> apply(SourceText source, Map<Node.Entry, Object> changes) {
    if (changes.isEmpty()) {
      return Optional.empty();
    }
    List<String> lines = source.lines();
    for (Map.Entry<Node.Entry, Object> c : changes.entrySet()) {
      Node.Entry entry = c.getKey();
      Object value = c.getValue();
      if (!(entry.value() instanceof Node.Scalar s)
          || s.isNull()
          || value == null
          || value instanceof Map<?, ?>
          || value instanceof List<?>
          || s.position().line() != entry.keyPosition().line()
          || s.text().contains("\n")) {
        return Optional.empty();
      }
      String whole = lines.get(s.position().line() - 1);
      String line = YamlEditor.stripEol(whole);
      int from = s.position().column() - 1;
      String comment = InlineComment.of(line, from);
      lines.set(
          s.position().line() - 1,
          line.substring(0, from)
              + YamlEmitter.scalar(value)
              + comment
              + whole.substring(line.length()));
    }
    return Optional.of(String.join("", lines));
  }
}
