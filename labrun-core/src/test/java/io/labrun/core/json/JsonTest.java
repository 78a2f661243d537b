package io.labrun.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {
  @Test
  void readsEveryKindOfValue() {
    Object v =
        Json.parse(" {\"a\": [1, -2.5, 3e2, true, false, null, \"x\"], \"b\": {}, \"c\": []}\n");
    assertThat(v)
        .isEqualTo(
            map(
                "a",
                Arrays.asList(1L, -2.5, 300.0, true, false, null, "x"),
                "b",
                Map.of(),
                "c",
                List.of()));
  }

  @Test
  void keepsKeyOrder() {
    assertThat(Json.parseObject("{\"z\":1,\"a\":2,\"m\":3}").keySet())
        .containsExactly("z", "a", "m");
  }

  @Test
  void numbers() {
    assertThat(Json.parse("0")).isEqualTo(0L);
    assertThat(Json.parse("-0")).isEqualTo(0L);
    assertThat(Json.parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    assertThat(Json.parse("9223372036854775808")).isEqualTo(9.223372036854775808e18);
    assertThat(Json.parse("123456789012345678901234")).isEqualTo(1.2345678901234568e23);
    assertThat(Json.parse("1.5E-3")).isEqualTo(0.0015);
    assertThat(Json.parse("1e+2")).isEqualTo(100.0);
  }

  @Test
  void stringEscapes() {
    assertThat(Json.parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9\\u20AC\""))
        .isEqualTo("q\" b\\ s/ \b\f\n\r\t é€");
    assertThat(Json.parse("\"\\ud83d\\ude00\"")).isEqualTo("😀");
    assertThat(Json.parse("\"raw 😀 é\"")).isEqualTo("raw 😀 é");
    assertThat(Json.parse("\"lone \\udcff\"")).isEqualTo("lone \udcff");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "{",
        "[1,]",
        "{\"a\":1,}",
        "{a:1}",
        "{\"a\" 1}",
        "[1 2]",
        "01",
        "1.",
        ".5",
        "-",
        "1e",
        "+1",
        "NaN",
        "Infinity",
        "tru",
        "nul",
        "\"abc",
        "\"a\\x\"",
        "\"\\u12g4\"",
        "\"tab\there\"",
        "1 2",
        "{\"a\":1,\"a\":2}",
        "'single'",
        "[1]x"
      })
  void rejectsWhatIsNotStrictJson(String text) {
    assertThatThrownBy(() -> Json.parse(text))
        .isInstanceOf(Json.SyntaxException.class)
        .hasMessageContaining("offset");
  }

  @Test
  void rejectsDeepNesting() {
    assertThatThrownBy(() -> Json.parse("[".repeat(10000)))
        .isInstanceOf(Json.SyntaxException.class);
  }

  @Test
  void parseObjectWantsAnObject() {
    assertThatThrownBy(() -> Json.parseObject("[1]")).hasMessageContaining("object");
  }

  @Test
  void writesCompactly() {
    Map<String, Object> m =
        map("s", "a\"b\\c\n\t\u0001é😀", "n", null, "l", List.of(1, 2L, 2.5, true), "e", Map.of());
    assertThat(Json.write(m))
        .isEqualTo(
            "{\"s\":\"a\\\"b\\\\c\\n\\t\\u0001é😀\",\"n\":null,\"l\":[1,2,2.5,true],\"e\":{}}");
  }

  @Test
  void roundTrips() {
    Map<String, Object> m =
        map(
            "argv",
            List.of("python3", "train.py", "tab\there", "ünïcødé 😀"),
            "x",
            map("y", List.of()),
            "n",
            -12L,
            "d",
            0.1);
    assertThat(Json.parse(Json.write(m))).isEqualTo(m);
  }

  @Test
  void writesLoneSurrogatesEscaped() {
    assertThat(Json.write("a\udcffb\ud83d")).isEqualTo("\"a\\udcffb\\ud83d\"");
    assertThat(Json.parse(Json.write("a\udcffb"))).isEqualTo("a\udcffb");
  }

  @Test
  void refusesWhatJsonCannotHold() {
    assertThatThrownBy(() -> Json.write(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Json.write(new Object())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Json.write(Map.of(1, 2))).isInstanceOf(IllegalArgumentException.class);
  }

  static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
