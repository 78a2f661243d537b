package io.labrun.core.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IgnoreRulesTest {

  /** One pattern in the root .gitignore; "dir" marks the path as a folder. */
  @ParameterizedTest(name = "{0} on {1} ({2}) -> {3}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      textBlock =
          """
          # pattern         | path               | kind | ignored
          *.log             | a.log              | file | true
          *.log             | deep/er/a.log      | file | true
          *.log             | a.log.txt          | file | false
          *.log             | logs               | dir  | false
          *.log             | x.log              | dir  | true
          build/            | build              | dir  | true
          build/            | build              | file | false
          build/            | src/build          | dir  | true
          /build            | build              | file | true
          /build            | src/build          | dir  | false
          /build/           | build              | dir  | true
          doc/frotz         | doc/frotz          | file | true
          doc/frotz         | a/doc/frotz        | file | false
          doc/frotz/        | doc/frotz          | dir  | true
          frotz/            | a/frotz            | dir  | true
          /*.c              | cat-file.c         | file | true
          /*.c              | mozilla/sha1.c     | file | false
          doc/*.txt         | doc/x.txt          | file | true
          doc/*.txt         | doc/sub/x.txt      | file | false
          foo?              | foo1               | file | true
          foo?              | foo                | file | false
          foo?              | foo12              | file | false
          [abc].txt         | b.txt              | file | true
          [abc].txt         | d.txt              | file | false
          [!abc].txt        | d.txt              | file | true
          [!abc].txt        | a.txt              | file | false
          data[0-9].csv     | data7.csv          | file | true
          data[0-9].csv     | dataX.csv          | file | false
          [[:digit:]]*.csv  | 2024.csv           | file | true
          [[:digit:]]*.csv  | x2024.csv          | file | false
          **/foo            | foo                | file | true
          **/foo            | a/b/foo            | dir  | true
          **/foo            | a/b/foox           | file | false
          **/foo/bar        | foo/bar            | file | true
          **/foo/bar        | x/y/foo/bar        | file | true
          abc/**            | abc/x              | file | true
          abc/**            | abc/x/y            | file | true
          abc/**            | abc                | dir  | false
          a/**/b            | a/b                | file | true
          a/**/b            | a/x/y/b            | file | true
          a/**/b            | a/xb               | file | false
          a/*/b             | a/x/b              | file | true
          a/*/b             | a/x/y/b            | file | false
          foo*bar           | fooxbar            | file | true
          foo*bar           | foo/bar            | file | false
          *                 | anything           | file | true
          **                | any/thing          | file | true
          # comment         | # comment          | file | false
          \\#notes          | #notes             | file | true
          \\!important      | !important         | file | true
          "trail   "        | trail              | file | true
          "trail\\ "        | "trail "           | file | true
          "trail\\ "        | trail              | file | false
          \\*literal        | *literal           | file | true
          \\*literal        | xliteral           | file | false
          .DS_Store         | a/b/.DS_Store      | file | true
          Data              | data               | file | false
          """)
  void gitignorePattern(String pattern, String path, String kind, boolean ignored) {
    IgnoreRules rules = IgnoreRules.builtIn().withGitignore("", pattern);
    assertThat(rules.isIgnored(path, kind.equals("dir"))).isEqualTo(ignored);
  }

  /** The rules every snapshot has. */
  @ParameterizedTest(name = "{0} ({1}) -> {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          .git                       | dir  | true
          .git                       | file | true
          sub/module/.git            | file | true
          outputs                    | dir  | true
          outputs                    | file | false
          src/outputs                | dir  | false
          __pycache__                | dir  | true
          a/b/__pycache__            | dir  | true
          notebooks/.ipynb_checkpoints | dir | true
          .gitignore                 | file | false
          .amlignore                 | file | false
          aml_config                 | dir  | false
          train.py                   | file | false
          """)
  void builtInRules(String path, String kind, boolean ignored) {
    assertThat(IgnoreRules.builtIn().isIgnored(path, kind.equals("dir"))).isEqualTo(ignored);
  }

  @Test
  void blankLinesAndCommentsAreNotPatterns() {
    IgnoreRules rules = IgnoreRules.builtIn().withGitignore("", "\n\n# *.py\n   \n");
    assertThat(rules.isIgnored("train.py", false)).isFalse();
    assertThat(rules.isIgnored("   ", false)).isFalse();
  }

  @Test
  void theLastMatchingPatternWins() {
    IgnoreRules negatedLast = IgnoreRules.builtIn().withGitignore("", "*.log\n!keep.log\n");
    assertThat(negatedLast.isIgnored("a.log", false)).isTrue();
    assertThat(negatedLast.isIgnored("keep.log", false)).isFalse();
    assertThat(negatedLast.isIgnored("sub/keep.log", false)).isFalse();

    IgnoreRules negatedFirst = IgnoreRules.builtIn().withGitignore("", "!keep.log\n*.log\n");
    assertThat(negatedFirst.isIgnored("keep.log", false)).isTrue();
  }

  @Test
  void aDeeperGitignoreOverridesAndAppliesOnlyBelowItsFolder() {
    IgnoreRules rules =
        IgnoreRules.builtIn()
            .withGitignore("", "*.csv\n")
            .withGitignore("sub", "!data.csv\n/anchored\n*.tmp\n");
    assertThat(rules.isIgnored("sub/data.csv", false)).isFalse();
    assertThat(rules.isIgnored("sub/deeper/data.csv", false)).isFalse();
    assertThat(rules.isIgnored("other/data.csv", false)).isTrue();
    assertThat(rules.isIgnored("data.csv", false)).isTrue();
    assertThat(rules.isIgnored("sub/anchored", false)).isTrue();
    assertThat(rules.isIgnored("sub/x/anchored", false)).isFalse();
    assertThat(rules.isIgnored("anchored", false)).isFalse();
    assertThat(rules.isIgnored("sub/a.tmp", false)).isTrue();
    assertThat(rules.isIgnored("a.tmp", false)).isFalse();
    assertThat(rules.isIgnored("subway/a.tmp", false)).isFalse();
  }

  @Test
  void amlignoreHasTheLastWord() {
    IgnoreRules rules =
        IgnoreRules.builtIn()
            .withAmlignore("!data/\n*.bin\n!keep.tmp\n")
            .withGitignore("", "data/\n*.tmp\n")
            .withGitignore("nested", "!*.bin\n");
    assertThat(rules.isIgnored("data", true)).isFalse();
    assertThat(rules.isIgnored("model.bin", false)).isTrue();
    assertThat(rules.isIgnored("nested/model.bin", false)).isTrue();
    assertThat(rules.isIgnored("x.tmp", false)).isTrue();
    assertThat(rules.isIgnored("keep.tmp", false)).isFalse();
  }

  @Test
  void builtInRulesCannotBeNegated() {
    IgnoreRules rules =
        IgnoreRules.builtIn()
            .withGitignore("", "!outputs/\n!.git\n")
            .withAmlignore("!outputs\n!__pycache__/\n");
    assertThat(rules.isIgnored("outputs", true)).isTrue();
    assertThat(rules.isIgnored(".git", true)).isTrue();
    assertThat(rules.isIgnored("__pycache__", true)).isTrue();
  }

  @Test
  void windowsLineEndsAndAByteOrderMarkAreTolerated() {
    IgnoreRules rules = IgnoreRules.builtIn().withGitignore("", "\uFEFF*.log\r\nbuild/\r\n");
    assertThat(rules.isIgnored("a.log", false)).isTrue();
    assertThat(rules.isIgnored("build", true)).isTrue();
  }

  @Test
  void rulesAreImmutableValues() {
    IgnoreRules base = IgnoreRules.builtIn();
    IgnoreRules more = base.withGitignore("", "*.log");
    assertThat(base.isIgnored("a.log", false)).isFalse();
    assertThat(more.isIgnored("a.log", false)).isTrue();
    assertThat(base.withGitignore("", "# only a comment\n")).isSameAs(base);
  }
}
