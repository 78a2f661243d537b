package io.labrun.compute.slurm;

import io.labrun.core.config.ComputeTargetSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The keys of a {@code slurm} target's {@code .compute} file (labrun's own: the original had no
 * Slurm target), as labrun-format has read and checked them ({@link #problem}) into the spec's
 * other keys. Null where the file does not set a key: Slurm's defaults apply.
 *
 * @param partition {@code --partition}
 * @param account {@code --account}
 * @param qos {@code --qos}
 * @param nodes {@code --nodes}
 * @param cpusPerTask {@code --cpus-per-task}
 * @param gpus {@code --gres=gpu:<gpus>}: a count, or {@code TYPE:COUNT}
 * @param memory {@code --mem}, in Slurm's form ({@code 4000}, {@code 16G})
 * @param time {@code --time}, in Slurm's form ({@code 30}, {@code 2:00:00}, {@code 1-12})
 * @param workFolder where run folders go on the cluster's shared file system
 * @param sbatchOptions more {@code sbatch} options, each written as one {@code #SBATCH} line
 */
record SlurmSettings(
    String partition,
    String account,
    String qos,
    Integer nodes,
    Integer cpusPerTask,
    String gpus,
    String memory,
    String time,
    String workFolder,
    List<String> sbatchOptions) {

  public static final String PARTITION = "partition";
  public static final String ACCOUNT = "account";
  public static final String QOS = "qos";
  public static final String NODES = "nodes";
  public static final String CPUS_PER_TASK = "cpusPerTask";
  public static final String GPUS = "gpus";
  public static final String MEMORY = "memory";
  public static final String TIME = "time";
  public static final String WORK_FOLDER = "workFolder";
  public static final String SBATCH_OPTIONS = "sbatchOptions";

  /** The string-valued keys (the counts and the option list are read as such). */
  public static final List<String> TEXT_KEYS =
      List.of(PARTITION, ACCOUNT, QOS, GPUS, MEMORY, TIME, WORK_FOLDER);

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.,+-]+");
  private static final Pattern GRES = Pattern.compile("([A-Za-z0-9_.-]+:)?[0-9]+");
  private static final Pattern MEM = Pattern.compile("[0-9]+[KMGT]?", Pattern.CASE_INSENSITIVE);
  // Slurm's --time forms: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S
  private static final Pattern TIME_FORM =
      Pattern.compile("(?:(\\d+)-)?(\\d+)(?::(\\d+))?(?::(\\d+))?");

  public SlurmSettings {
    sbatchOptions = sbatchOptions == null ? List.of() : List.copyOf(sbatchOptions);
  }

  /**
   * The settings of {@code spec}'s file (its other keys hold the values as YAML gave them: text,
   * numbers, lists).
   */
  public static SlurmSettings of(ComputeTargetSpec spec) {
    Map<String, Object> k = spec.otherKeys();
    List<String> options =
        k.get(SBATCH_OPTIONS) instanceof List<?> l
            ? l.stream().map(String::valueOf).toList()
            : null;
    return new SlurmSettings(
        text(k, PARTITION),
        text(k, ACCOUNT),
        text(k, QOS),
        count(k, NODES),
        count(k, CPUS_PER_TASK),
        text(k, GPUS),
        text(k, MEMORY),
        text(k, TIME),
        text(k, WORK_FOLDER),
        options);
  }

  private static String text(Map<String, Object> keys, String key) {
    Object v = keys.get(key);
    return v == null ? null : v.toString();
  }

  private static Integer count(Map<String, Object> keys, String key) {
    Object v = keys.get(key);
    return v == null ? null : Integer.valueOf(v.toString().strip().replace("+", ""));
  }

  /**
   * What is wrong with the text {@code value} of {@code key} ({@link #TEXT_KEYS}) or with one line
   * of {@link #SBATCH_OPTIONS}, said for a one-line error; empty when it is fine.
   */
  public static Optional<String> problem(String key, String value) {
    return switch (key) {
      case PARTITION, ACCOUNT, QOS ->
          NAME.matcher(value).matches()
              ? Optional.empty()
              : Optional.of(
                  "'"
                      + key
                      + "' must be a Slurm name (letters, digits, _ . , + -), got \""
                      + value
                      + "\"");
      case GPUS ->
          GRES.matcher(value).matches()
              ? Optional.empty()
              : Optional.of(
                  "'gpus' must be a count (2) or TYPE:COUNT (a100:2), got \"" + value + "\"");
      case MEMORY ->
          MEM.matcher(value).matches()
              ? Optional.empty()
              : Optional.of(
                  "'memory' must be Slurm's --mem: megabytes (4000) or a number with K, M, G or T"
                      + " (16G), got \""
                      + value
                      + "\"");
      case TIME ->
          duration(value).isPresent()
              ? Optional.empty()
              : Optional.of(
                  "'time' must be Slurm's --time: MINUTES, MINUTES:SECONDS, HOURS:MINUTES:SECONDS,"
                      + " DAYS-HOURS, DAYS-HOURS:MINUTES or DAYS-HOURS:MINUTES:SECONDS (e.g. 30,"
                      + " 2:00:00, 1-12), got \""
                      + value
                      + "\"");
      case WORK_FOLDER ->
          value.startsWith("/") || value.startsWith("~/")
              ? Optional.empty()
              : Optional.of(
                  "'workFolder' must be an absolute path or start with ~/ (a folder on the"
                      + " cluster's shared file system), got \""
                      + value
                      + "\"");
      case SBATCH_OPTIONS ->
          value.startsWith("-") && value.chars().noneMatch(c -> c == '\n' || c == '\r')
              ? requeue(value)
              : Optional.of(
                  "each line of 'sbatchOptions' must be one sbatch option starting with '-' (e.g."
                      + " --constraint=v100), got \""
                      + value
                      + "\"");
      default -> Optional.empty();
    };
  }

  /**
   * labrun submits every job {@code --no-requeue}: a requeued job would run the script again in the
   * same run folder, over the record of its first run. A retry is a new attempt ({@code
   * --retries}).
   */
  private static Optional<String> requeue(String option) {
    String o = option.strip();
    if (o.startsWith("--array") || o.matches("-a(\\s.*|[0-9].*)?")) {
      return Optional.of(
          "'sbatchOptions' cannot hold --array: labrun makes a sweep's job array itself"
              + " (labrun experiment sweep --parallel K is --array=0-N%K)");
    }
    return o.equals("--requeue")
        ? Optional.of(
            "'sbatchOptions' cannot hold --requeue: labrun's jobs are never requeued by Slurm;"
                + " a preempted or failed job is tried again as a new run with --retries N")
        : Optional.empty();
  }

  /** A Slurm {@code --time} value as a duration; empty when it is not one of Slurm's forms. */
  public static Optional<Duration> duration(String time) {
    Matcher m = TIME_FORM.matcher(time.strip());
    if (!m.matches()) {
      return Optional.empty();
    }
    long days = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
    long a = Long.parseLong(m.group(2));
    Long b = m.group(3) == null ? null : Long.parseLong(m.group(3));
    Long c = m.group(4) == null ? null : Long.parseLong(m.group(4));
    Duration d;
    if (m.group(1) != null) { // D-H, D-H:M, D-H:M:S
      d =
          Duration.ofDays(days)
              .plusHours(a)
              .plusMinutes(b == null ? 0 : b)
              .plusSeconds(c == null ? 0 : c);
    } else if (c != null) { // H:M:S
      d = Duration.ofHours(a).plusMinutes(b).plusSeconds(c);
    } else if (b != null) { // M:S
      d = Duration.ofMinutes(a).plusSeconds(b);
    } else { // M
      d = Duration.ofMinutes(a);
    }
    return d.isZero() ? Optional.empty() : Optional.of(d);
  }
}
