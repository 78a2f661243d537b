package io.labrun.core.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Git's wildmatch with WM_PATHNAME; many rows come from Git's own t3070-wildmatch table. */
class WildmatchTest {

  @ParameterizedTest(name = "''{1}'' ~ ''{0}'' -> {2}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      textBlock =
          """
          # pattern                          | text                              | matches
          foo                                | foo                               | true
          foo                                | bar                               | false
          ???                                | foo                               | true
          ??                                 | foo                               | false
          *                                  | foo                               | true
          f*                                 | foo                               | true
          *f                                 | foo                               | false
          *foo*                              | foo                               | true
          *ob*a*r*                           | foobar                            | true
          *ab                                | aaaaaaabababab                    | true
          foo\\*                             | foo*                              | true
          foo\\*bar                          | foobar                            | false
          f\\\\oo                            | f\\oo                             | true
          *[al]?                             | ball                              | true
          [ten]                              | ten                               | false
          **[!te]                            | ten                               | true
          **[!ten]                           | ten                               | false
          t[a-g]n                            | ten                               | true
          t[!a-g]n                           | ten                               | false
          t[!a-g]n                           | ton                               | true
          t[^a-g]n                           | ton                               | true
          a[]]b                              | a]b                               | true
          a[]-]b                             | a-b                               | true
          a[]-]b                             | a]b                               | true
          a[]-]b                             | aab                               | false
          a[]a-]b                            | aab                               | true
          ]                                  | ]                                 | true
          foo*bar                            | foo/baz/bar                       | false
          foo**bar                           | foo/baz/bar                       | false
          foo**bar                           | foobazbar                         | true
          foo/**/bar                         | foo/baz/bar                       | true
          foo/**/**/bar                      | foo/baz/bar                       | true
          foo/**/bar                         | foo/b/a/z/bar                     | true
          foo/**/bar                         | foo/bar                           | true
          foo/**/**/bar                      | foo/bar                           | true
          foo?bar                            | foo/bar                           | false
          foo[/]bar                          | foo/bar                           | false
          foo[^a-z]bar                       | foo/bar                           | false
          f[^eiu][^eiu][^eiu][^eiu][^eiu]r   | foo/bar                           | false
          f[^eiu][^eiu][^eiu][^eiu][^eiu]r   | foo-bar                           | true
          **/foo                             | foo                               | true
          **/foo                             | XXX/foo                           | true
          **/foo                             | bar/baz/foo                       | true
          */foo                              | bar/baz/foo                       | false
          **/bar*                            | foo/bar/baz                       | false
          **/bar/*                           | deep/foo/bar/baz                  | true
          **/bar/*                           | deep/foo/bar/baz/                 | false
          **/bar/**                          | deep/foo/bar/baz/                 | true
          **/bar/*                           | deep/foo/bar                      | false
          **/bar/**                          | deep/foo/bar/                     | true
          **/bar**                           | foo/bar/baz                       | false
          */bar/**                           | foo/bar/baz/x                     | true
          */bar/**                           | deep/foo/bar/baz/x                | false
          **/bar/*/*                         | deep/foo/bar/baz/x                | true
          *                                  | a/b                               | false
          **                                 | a/b                               | true
          foo/**                             | foo                               | false
          foo/**                             | foo/a/b                           | true
          \\[ab]                             | [ab]                              | true
          [[]ab]                             | [ab]                              | true
          [[:]ab]                            | [ab]                              | true
          [[::]ab]                           | [ab]                              | false
          [[:digit]ab]                       | [ab]                              | true
          [\\[:]ab]                          | [ab]                              | true
          \\??\\?b                           | ?a?b                              | true
          \\a\\b\\c                          | abc                               | true
          [[:digit:][:upper:][:space:]]      | 1                                 | true
          [[:digit:][:upper:][:space:]]      | a                                 | false
          [[:digit:][:upper:][:space:]]      | A                                 | true
          [[:digit:][:upper:][:space:]]      | .                                 | false
          [[:digit:][:punct:][:space:]]      | .                                 | true
          [[:xdigit:]]                       | 5                                 | true
          [[:xdigit:]]                       | f                                 | true
          [[:xdigit:]]                       | g                                 | false
          [[:alpha:]][[:alnum:]]             | a1                                | true
          [[:lower:]][[:upper:]]             | aB                                | true
          [[:nope:]]                         | a                                 | false
          [a-c                               | a                                 | false
          -*-*-*-*-*-*-12-*-*-*-m-*-*-*      | -adobe-courier-bold-o-normal--12-120-75-75-m-70-iso8859-1 | true
          XXX/*/*/*/*/*/*/12/*/*/*/m/*/*/*   | XXX/adobe/courier/bold/o/normal//12/120/75/75/X/70/iso8859/1 | false
          **/*a*b*g*n*t                      | abcd/abcdefg/abcdefghijk/abcdefghijklmnop.txt  | true
          **/*a*b*g*n*t                      | abcd/abcdefg/abcdefghijk/abcdefghijklmnop.txtz | false
          *.txt                              | été.txt                           | true
          ?.txt                              | é.txt                             | true
          """)
  void matchesLikeGit(String pattern, String text, boolean expected) {
    assertThat(Wildmatch.matches(pattern, text)).isEqualTo(expected);
  }
}
