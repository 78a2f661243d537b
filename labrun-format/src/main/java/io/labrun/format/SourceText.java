package io.labrun.format;

import io.labrun.core.config.ConfigException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The text of one project file, decoded strictly as UTF-8, with the name it is reported under
 * ({@code aml_config/gpu.compute}, relative to the project root). A byte-order mark is dropped for
 * parsing and remembered so that a rewrite keeps it.
 */
record SourceText(String label, String text, boolean byteOrderMark) {

  static SourceText of(String label, String text) {
    boolean bom = text.startsWith("\uFEFF");
    return new SourceText(label, bom ? text.substring(1) : text, bom);
  }

  /** Decodes {@code bytes}; a byte that is not UTF-8 is reported with its line and column. */
  static SourceText decode(String label, byte[] bytes) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length + 1);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      throw notUtf8(label, bytes, in.position());
    }
    decoder.flush(out);
    out.flip();
    return of(label, out.toString());
  }

  private static ConfigException notUtf8(String label, byte[] bytes, int bad) {
    int lineStart = 0;
    int line = 1;
    for (int i = 0; i < bad; i++) {
      if (bytes[i] == '\n' || bytes[i] == '\r' && (i + 1 >= bytes.length || bytes[i + 1] != '\n')) {
        line++;
        lineStart = i + 1;
      }
    }
    int column = 1;
    try {
      column =
          StandardCharsets.UTF_8
                  .newDecoder()
                  .decode(ByteBuffer.wrap(bytes, lineStart, bad - lineStart))
                  .codePoints()
                  .toArray()
                  .length
              + 1;
    } catch (CharacterCodingException impossible) {
      // the bytes before the first bad one decode by construction
    }
    return new ConfigException(
        new Position(line, column).in(label),
        String.format(
            "the file is not valid UTF-8 (byte 0x%02X); save it with UTF-8 encoding",
            bytes[bad] & 0xff));
  }

  /**
   * Whether the char at {@code i} ends a line: a {@code \n}, or a {@code \r} not followed by one.
   */
  static boolean isLineEnd(CharSequence text, int i) {
    char c = text.charAt(i);
    return c == '\n' || c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n');
  }

  /** The line ending new lines should use: the file's own, {@code \n} for a new file. */
  String lineEnding() {
    if (text.contains("\r\n")) {
      return "\r\n";
    }
    return text.indexOf('\r') >= 0 && text.indexOf('\n') < 0 ? "\r" : "\n";
  }

  /**
   * The lines of the text, each with its line terminator (the last one may have none). As in YAML
   * and JSON, a line ends with {@code \n}, {@code \r\n} or a lone {@code \r}, so that line numbers
   * agree with the parser's.
   */
  List<String> lines() {
    List<String> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      if (isLineEnd(text, i)) {
        lines.add(text.substring(start, i + 1));
        start = i + 1;
      }
    }
    if (start < text.length()) {
      lines.add(text.substring(start));
    }
    return lines;
  }

  /** The position of a char offset in the text (for errors that only know an offset). */
  Position positionOf(int offset) {
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < Math.min(offset, text.length()); i++) {
      if (isLineEnd(text, i)) {
        line++;
        lineStart = i + 1;
      }
    }
    return new Position(line, offset - lineStart + 1);
  }

  /** The text as it should be written: with the byte-order mark if the file had one. */
  String withByteOrderMark(String newText) {
    return byteOrderMark ? "\uFEFF" + newText : newText;
  }
}
