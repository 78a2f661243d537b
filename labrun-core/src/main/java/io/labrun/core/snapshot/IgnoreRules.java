package io.labrun.core.snapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * What a snapshot leaves out of a project. Always: {@code .git} (folder, or the file a submodule
 * has) at any depth, {@code __pycache__/} and {@code .ipynb_checkpoints/} at any depth, and the
 * {@code outputs/} folder at the project root (a run's results, collected after it, never its
 * input). These built-in rules cannot be negated. Then the patterns of the root and nested {@code
 * .gitignore} files and of the root {@code .amlignore}, with Git's semantics (see {@link
 * IgnorePattern} and {@link Wildmatch}); matching is case-sensitive, as Git's default on Linux.
 *
 * <p>Precedence follows Git: the last matching pattern wins, and a deeper {@code .gitignore}
 * overrides a shallower one. {@code .amlignore} comes last of all, so it has the final word: a
 * folder that Git ignores (say {@code data/}) is brought into snapshots with {@code !data/} in
 * {@code .amlignore}. (The later Azure ML SDK used {@code .amlignore} <em>instead of</em> {@code
 * .gitignore}; combining them keeps a project's Git hygiene and still lets labrun differ.) As in
 * Git, a file inside an ignored folder cannot be re-included: ignored folders are not entered.
 *
 * <p>Values are immutable; the {@code with...} methods return new rules.
 */
public final class IgnoreRules {
  public static final String GITIGNORE = ".gitignore";
  public static final String AMLIGNORE = ".amlignore";

  private static final IgnoreRules BUILT_IN = new IgnoreRules(List.of(), null);

  /** The patterns of one ignore file and the folder they are relative to ("" for the root). */
  private record Layer(String base, IgnorePattern[] patterns) {
    /** TRUE: ignored, FALSE: re-included by a negation, null: no pattern of this file matches. */
    Boolean verdict(String path, String name, boolean directory) {
      String relative;
      if (base.isEmpty()) {
        relative = path;
      } else if (path.length() > base.length()
          && path.startsWith(base)
          && path.charAt(base.length()) == '/') {
        relative = path.substring(base.length() + 1);
      } else {
        return null;
      }
      for (int i = patterns.length - 1; i >= 0; i--) {
        if (patterns[i].matches(relative, name, directory)) {
          return !patterns[i].negated();
        }
      }
      return null;
    }
  }

  private final List<Layer> gitignores;
  private final Layer amlignore;

  private IgnoreRules(List<Layer> gitignores, Layer amlignore) {
    this.gitignores = gitignores;
    this.amlignore = amlignore;
  }

  /** Only the built-in rules. */
  public static IgnoreRules builtIn() {
    return BUILT_IN;
  }

  /**
   * These rules plus the {@code .gitignore} in folder {@code dir} ("" for the project root, else a
   * relative '/'-separated path), which overrides the {@code .gitignore} files added before it.
   */
  public IgnoreRules withGitignore(String dir, String content) {
    IgnorePattern[] patterns = parse(content);
    if (patterns.length == 0) {
      return this;
    }
    List<Layer> layers = new ArrayList<>(gitignores.size() + 1);
    layers.addAll(gitignores);
    layers.add(new Layer(dir, patterns));
    return new IgnoreRules(List.copyOf(layers), amlignore);
  }

  /** These rules plus the project's root {@code .amlignore}, which overrides every .gitignore. */
  public IgnoreRules withAmlignore(String content) {
    IgnorePattern[] patterns = parse(content);
    return patterns.length == 0 ? this : new IgnoreRules(gitignores, new Layer("", patterns));
  }

  /**
   * Whether the snapshot leaves out {@code path} (relative to the project root, '/'-separated).
   * Callers walk top-down and do not ask about what lies inside an ignored folder.
   */
  public boolean isIgnored(String path, boolean directory) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    if (name.equals(".git")) {
      return true;
    }
    if (directory
        && (name.equals("__pycache__")
            || name.equals(".ipynb_checkpoints")
            || path.equals("outputs"))) {
      return true;
    }
    if (amlignore != null) {
      Boolean v = amlignore.verdict(path, name, directory);
      if (v != null) {
        return v;
      }
    }
    for (int i = gitignores.size() - 1; i >= 0; i--) {
      Boolean v = gitignores.get(i).verdict(path, name, directory);
      if (v != null) {
        return v;
      }
    }
    return false;
  }

  private static IgnorePattern[] parse(String content) {
    List<IgnorePattern> patterns = new ArrayList<>();
    int start = content.startsWith("\uFEFF") ? 1 : 0;
    while (start <= content.length()) {
      int nl = content.indexOf('\n', start);
      int end = nl < 0 ? content.length() : nl;
      if (end > start && content.charAt(end - 1) == '\r') {
        end--;
      }
      IgnorePattern p = IgnorePattern.parse(content.substring(start, end));
      if (p != null) {
        patterns.add(p);
      }
      if (nl < 0) {
        break;
      }
      start = nl + 1;
    }
    return patterns.toArray(new IgnorePattern[0]);
  }
}
