package io.labrun.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Quoted words reach a real POSIX shell's program exactly as given. */
class ShellTest {
  @Test
  void plainWordsStayReadable() {
    assertThat(Shell.command(List.of("python3", ".labrun/lib/ab12/labrun_remote.py", "missing")))
        .isEqualTo("python3 .labrun/lib/ab12/labrun_remote.py missing");
    assertThat(Shell.quote("")).isEqualTo("''");
    assertThat(Shell.quote("it's")).isEqualTo("'it'\\''s'");
  }

  @Test
  void everyWordSurvivesTheShell() throws Exception {
    List<String> words =
        List.of(
            "a b",
            "it's",
            "\"q\"",
            "$HOME",
            "${X:-y}",
            "`id`",
            "$(id)",
            "a;b",
            "a|b",
            "a&&b",
            "new\nline",
            "tab\there",
            "*",
            "~",
            "#c",
            "\\",
            "",
            "ünï",
            "!bang");
    List<String> argv = new ArrayList<>(List.of("printf", "<%s>\\n"));
    argv.addAll(words);
    Process p = new ProcessBuilder("sh", "-c", Shell.command(argv)).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).isZero();
    StringBuilder expected = new StringBuilder();
    words.forEach(w -> expected.append('<').append(w).append(">\n"));
    assertThat(out).isEqualTo(expected.toString());
  }
}
