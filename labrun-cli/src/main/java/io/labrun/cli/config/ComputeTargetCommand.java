package io.labrun.cli.config;

import static io.labrun.cli.output.Output.fields;

import io.labrun.cli.CliContext;
import io.labrun.cli.ProjectOptions;
import io.labrun.cli.output.Output;
import io.labrun.cli.output.OutputOptions;
import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.Loaded;
import io.labrun.core.config.ProjectConfigs;
import io.labrun.core.config.RunConfiguration;
import io.labrun.core.config.TargetType;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.launch.TargetTypes;
import io.labrun.core.project.Project;
import io.labrun.core.secret.SecretBox;
import io.labrun.core.secret.SshKeyPair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code labrun computetarget attach|list|show|detach}: the project's {@code .compute} files. */
@Command(
    name = "computetarget",
    mixinStandardHelpOptions = true,
    description =
        "Attach, list, show, change and detach compute targets (aml_config/<name>.compute).",
    subcommands = {
      ComputeTargetCommand.Attach.class,
      ComputeTargetCommand.ListTargets.class,
      ComputeTargetCommand.Show.class,
      ComputeTargetCommand.Detach.class,
      KeyCommands.SetTarget.class,
      KeyCommands.UnsetTarget.class
    })
public final class ComputeTargetCommand {

  /** {@code computetarget attach}. */
  @Command(
      name = "attach",
      mixinStandardHelpOptions = true,
      description = {
        "Create aml_config/<name>.compute and <name>.runconfig for a compute target.",
        "A password is stored encrypted with your labrun key (~/.config/labrun/secret.key), never"
            + " in plain text."
      })
  public static final class Attach implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin ProjectOptions project;

    @Option(
        names = {"-n", "--name"},
        required = true,
        description = "Name of the target (file aml_config/<name>.compute).")
    String name;

    @Option(
        names = {"-t", "--type"},
        description = "remotedocker, remote, cluster, slurm (also local, docker).")
    String type;

    // The original's READMEs also write the type as a word: attach remotedocker --name myvm ...
    @Parameters(
        arity = "0..1",
        paramLabel = "TYPE",
        description = "The type as a word instead of --type: remotedocker, remote, cluster, slurm.")
    String typeWord;

    @Option(
        names = {"-a", "--address"},
        description =
            "Host name or IP of the remote host, cluster head node or Slurm login node; may carry a"
                + " port (host:2222).")
    String address;

    @Option(names = "--port", description = "SSH port (default 22).")
    Integer port;

    @Option(
        names = {"-u", "--username"},
        description = "SSH user name.")
    String username;

    @ArgGroup(exclusive = true)
    Credentials credentials;

    @Option(
        names = "--base-docker-image",
        paramLabel = "IMAGE",
        description = "Base image for Docker targets.")
    String baseDockerImage;

    @Option(
        names = "--python-location",
        paramLabel = "PYTHON",
        description = "Interpreter to run scripts with (default python3).")
    String pythonLocation;

    @Option(
        names = "--spark-submit-location",
        paramLabel = "PATH",
        description = "spark-submit to call for PySpark runs.")
    String sparkSubmitLocation;

    @Option(
        names = "--spark-master",
        paramLabel = "URL",
        description = "Spark master for cluster targets (yarn, spark://host:7077, k8s://...).")
    String sparkMaster;

    @Option(names = "--force", description = "Replace an existing target of that name.")
    boolean force;

    @Option(
        names = "--no-connect",
        description =
            "Write the files without connecting (a host that is down now); its host key is checked"
                + " on first use.")
    boolean noConnect;

    @Option(
        names = "--accept-new-host-key",
        description =
            "Trust the host key the host shows now if it is not known yet (for scripts; a changed"
                + " key is still refused).")
    boolean acceptNewHostKey;

    @Option(
        names = "--host-key-fingerprint",
        paramLabel = "SHA256:...",
        description =
            "Trust a new host key only if it has this fingerprint (ssh-keygen -lf on the host's"
                + " key).")
    String hostKeyFingerprint;

    /** Exactly one way to log in. */
    static final class Credentials {
      @Option(
          names = {"-w", "--password"},
          description =
              "SSH password (prefer --password-stdin: this one stays in your shell history).",
          arity = "0..1",
          interactive = true)
      char[] password;

      @Option(
          names = "--password-stdin",
          description = "Read the SSH password from standard input.")
      boolean passwordStdin;

      @Option(
          names = "--ssh-key",
          paramLabel = "FILE",
          description =
              "Key file to log in with: a private key (one with a passphrase is signed with by your"
                  + " ssh-agent when it holds it, else its passphrase is asked at the terminal or"
                  + " read from the file named by LABRUN_SSH_KEY_PASSPHRASE_FILE), or a public key"
                  + " whose private half your ssh-agent holds.")
      Path sshKey;

      @Option(
          names = "--ssh-agent",
          description =
              "Log in with the keys of your running ssh-agent (SSH_AUTH_SOCK) and your default keys"
                  + " (~/.ssh/id_*).")
      boolean sshAgent;

      @Option(
          names = "--generate-ssh-key",
          description =
              "Make a new key pair, keep the private key with your labrun keys and print the public"
                  + " key line for the host's authorized_keys.")
      boolean generateSshKey;
    }

    public Attach(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
      Project p = ctx.project(project.dir());
      ProjectConfigs configs = ctx.wiring().configs(p);
      TargetType t = targetType();
      TargetNames.check(name);
      if (!force && configs.computeTargetNames().contains(name)) {
        throw LabrunException.badInput(
            "target '"
                + name
                + "' exists already (aml_config/"
                + name
                + ".compute); pass --force to replace it or choose another --name");
      }
      HostPort hp = HostPort.parse(address, port);
      validateFor(t, hp);
      ComputeTargetSpec spec =
          ComputeTargetSpec.of(name, t)
              .withConnection(
                  hp == null ? null : hp.host(), hp == null ? null : hp.port(), username)
              .withBaseDockerImage(baseDockerImage)
              .withPython(
                  pythonLocation,
                  sparkSubmitLocation,
                  t.isUserManagedWhenAttached() ? Boolean.TRUE : null)
              .withSparkMaster(sparkMaster);
      String publicKeyLine = null;
      Path generatedKey = null;
      if (credentials != null) {
        if (credentials.password != null || credentials.passwordStdin) {
          char[] secret =
              credentials.passwordStdin ? readPasswordFromStdin() : credentials.password;
          if (!credentials.passwordStdin) {
            ctx.warn(
                "a password given with --password stays in your shell history; prefer"
                    + " --password-stdin");
          }
          if (secret.length == 0) {
            throw LabrunException.badInput(
                "the password is empty; give it on standard input with --password-stdin");
          }
          spec = spec.withPassword(ctx.wiring().secrets().encrypt(secret));
          Arrays.fill(secret, '\0');
        } else if (credentials.sshKey != null) {
          Path key = ctx.resolve(credentials.sshKey.toString());
          if (!Files.isReadable(key)) {
            throw LabrunException.badInput(
                "--ssh-key " + credentials.sshKey + ": no readable file there");
          }
          spec = spec.withSshKeyFile(key.toString());
        } else if (credentials.generateSshKey) {
          Path key = ctx.paths().sshKeys().resolve(p.name() + "_" + name + "_ed25519");
          if (Files.exists(key) && !force) {
            throw LabrunException.badInput(
                "a key for this target exists already ("
                    + key
                    + "); use --ssh-key "
                    + key
                    + " or pass --force to make a new one");
          }
          Files.deleteIfExists(key);
          Files.deleteIfExists(key.resolveSibling(key.getFileName() + ".pub"));
          SshKeyPair pair = SshKeyPair.generate("labrun:" + p.name() + "/" + name);
          pair.write(key);
          spec = spec.withSshKeyFile(key.toString());
          publicKeyLine = pair.publicKeyLine();
          generatedKey = key;
        }
      }
      if (hostKeyFingerprint != null) {
        spec = spec.withHostKeyFingerprint(hostKeyFingerprint.strip());
      }
      HostCheck.Checked checked = null;
      try {
        if (force && configs.computeTargetNames().contains(name)) {
          spec =
              spec.over(
                  configs.computeTarget(name).value()); // --force changes only the keys given here
        }
        if (hp != null
            && t.isRemote()
            && !noConnect) { // every kind that takes an address reaches it over SSH
          checked =
              HostCheck.connect(
                  ctx, spec, acceptNewHostKey, credentials != null && credentials.generateSshKey);
          spec = checked.spec();
        }
        configs.writeComputeTarget(spec);
      } catch (RuntimeException e) {
        if (generatedKey != null) {
          removeKeyPair(generatedKey); // a key pair nobody can use must not stay behind
        }
        throw e;
      }
      boolean wroteRunConfig = false;
      if (!configs.runConfigurationNames().contains(name)) {
        // a kind that builds an image prepares it with the run, as the original's attach wrote
        configs.writeRunConfiguration(
            RunConfiguration.forTarget(name, name, t.framework())
                .withPrepareEnvironment(t.usesDocker()));
        wroteRunConfig = true;
      }
      if (checked != null) {
        checked.recordHostKey();
      }
      ctx.out()
          .println(
              "Attached compute target '"
                  + name
                  + "' ("
                  + t.configName()
                  + "): wrote aml_config/"
                  + name
                  + ".compute"
                  + (wroteRunConfig
                      ? " and aml_config/" + name + ".runconfig"
                      : " (kept the existing aml_config/" + name + ".runconfig)")
                  + ".");
      if (publicKeyLine != null) {
        ctx.out()
            .println(
                "Add this line to ~/.ssh/authorized_keys of "
                    + (username == null ? "the user" : username)
                    + " on "
                    + spec.address()
                    + ":");
        ctx.out().println(publicKeyLine);
      }
      ctx.out().println("Run a script there with: labrun experiment submit -c " + name + " SCRIPT");
      ctx.out().flush();
      return 0;
    }

    // The master URLs spark-submit takes
    // (https://spark.apache.org/docs/latest/submitting-applications.html#master-urls).
    private static final Pattern SPARK_MASTER =
        Pattern.compile("yarn|local(\\[[0-9*,]+])?|[a-z][a-z0-9+.-]*://\\S+");

    private TargetType targetType() {
      if (type != null && typeWord != null && !type.equals(typeWord)) {
        throw LabrunException.badInput(
            "two types given (" + typeWord + " and --type " + type + "); give one");
      }
      String given = type != null ? type : typeWord;
      if (given == null) {
        throw LabrunException.badInput(
            "say which type of target: labrun computetarget attach remotedocker|remote|cluster"
                + " --name NAME ... (or --type TYPE)");
      }
      return TargetTypes.installed()
          .parse(given)
          .orElseThrow(
              () ->
                  LabrunException.badInput(
                      (type != null ? "--type" : "the type")
                          + " must be one of "
                          + TargetTypes.installed().allSpellings()
                          + ", got \""
                          + given
                          + "\""));
    }

    private void validateFor(TargetType t, HostPort hp) {
      if (t.needsAddress() && hp == null) {
        throw LabrunException.badInput(
            "--address is required for a "
                + t.configName()
                + " target (the host to reach over SSH)");
      }
      if (!t.isRemote() && (hp != null || username != null || credentials != null)) {
        throw LabrunException.badInput(
            "a "
                + t.configName()
                + " target runs on this machine: drop --address, --username and credentials");
      }
      if (hp != null && username == null) {
        throw LabrunException.badInput(
            "--username is required with --address (the SSH user on " + hp.host() + ")");
      }
      if (hp != null && credentials == null) {
        throw LabrunException.badInput(
            "say how to log in to "
                + hp.host()
                + ": --ssh-key FILE, --ssh-agent, --generate-ssh-key, --password-stdin or"
                + " --password");
      }
      if (sparkMaster != null && !SPARK_MASTER.matcher(sparkMaster).matches()) {
        throw LabrunException.badInput(
            "--spark-master must be yarn, local, local[N] or a URL such as spark://HOST:7077 or"
                + " k8s://https://HOST, got '"
                + sparkMaster
                + "'");
      }
    }

    private static void removeKeyPair(Path key) {
      try {
        Files.deleteIfExists(key);
        Files.deleteIfExists(key.resolveSibling(key.getFileName() + ".pub"));
      } catch (IOException e) {
        // the attach failed already; its own error is the one to show
      }
    }

    private char[] readPasswordFromStdin() throws IOException {
      return passwordFromStdin(ctx);
    }

    /**
     * The first line of standard input (at most 64 KiB read), without its line end; the bytes read
     * are wiped.
     */
    public static char[] passwordFromStdin(CliContext ctx) throws IOException {
      byte[] all = ctx.stdin().readNBytes(64 * 1024);
      String s = new String(all, StandardCharsets.UTF_8);
      int nl = s.indexOf('\n');
      if (nl >= 0) {
        s = s.substring(0, nl);
      }
      if (s.endsWith("\r")) {
        s = s.substring(0, s.length() - 1);
      }
      Arrays.fill(all, (byte) 0);
      return s.toCharArray();
    }
  }

  /** {@code computetarget list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the project's compute targets.")
  public static final class ListTargets implements Runnable {
    private final CliContext ctx;
    @Mixin ProjectOptions project;
    @Mixin OutputOptions output;

    public ListTargets(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void run() {
      ProjectConfigs configs = ctx.wiring().configs(ctx.project(project.dir()));
      List<Map<String, Object>> rows = new ArrayList<>();
      ListedFiles.read(ctx, configs.computeTargetNames(), configs::computeTarget)
          .forEach(
              (n, s) ->
                  rows.add(
                      fields(
                          "name",
                          n,
                          "type",
                          s.type().configName(),
                          "address",
                          s.address(),
                          "username",
                          s.username(),
                          "login",
                          login(s))));
      new Output(ctx.out(), output)
          .rows(rows, List.of("name", "type", "address", "username", "login"));
    }
  }

  /** {@code computetarget show NAME}: every field, never a secret. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show a compute target (passwords are never shown).")
  public static final class Show implements Runnable {
    private final CliContext ctx;
    @Mixin ProjectOptions project;
    @Mixin OutputOptions output;

    @Parameters(paramLabel = "NAME", description = "The target's name.")
    String name;

    public Show(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void run() {
      ProjectConfigs configs = ctx.wiring().configs(ctx.project(project.dir()));
      Loaded<ComputeTargetSpec> t = configs.computeTarget(name);
      t.warnings().forEach(ctx::warn);
      new Output(ctx.out(), output).record(describe(t.value()));
    }
  }

  /** {@code computetarget detach NAME}. */
  @Command(
      name = "detach",
      mixinStandardHelpOptions = true,
      description = "Remove a compute target and the run configuration made with it.")
  public static final class Detach implements Runnable {
    private final CliContext ctx;
    @Mixin ProjectOptions project;

    @Parameters(paramLabel = "NAME", description = "The target's name.")
    String name;

    public Detach(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void run() {
      Project p = ctx.project(project.dir());
      ProjectConfigs configs = ctx.wiring().configs(p);
      configs.computeTarget(name); // fails clearly if it does not exist
      configs.deleteComputeTarget(name);
      List<String> still = new ArrayList<>();
      for (String rc : configs.runConfigurationNames()) {
        RunConfiguration c;
        try {
          c = configs.runConfiguration(rc).value();
        } catch (LabrunException e) {
          continue; // a broken file is reported when it is used
        }
        if (name.equals(c.target())) {
          if (rc.equals(name)) {
            deleteQuietly(p.configDir().resolve(rc + ".runconfig"));
          } else {
            still.add(rc);
          }
        }
      }
      ctx.out().println("Detached compute target '" + name + "'.");
      if (!still.isEmpty()) {
        ctx.warn(
            "run configurations still point at '"
                + name
                + "': "
                + String.join(", ", still)
                + " (they fail until you attach it again or change their Target)");
      }
      ctx.out().flush();
    }

    private static void deleteQuietly(Path f) {
      try {
        Files.deleteIfExists(f);
      } catch (IOException e) {
        throw new LabrunException(
            ExitCode.BAD_INPUT, "cannot remove " + f + ": " + e.getMessage(), e);
      }
    }
  }

  static String login(ComputeTargetSpec s) {
    if (s.hasPassword()) {
      return "password";
    }
    if (s.sshKeyFile() != null) {
      return "ssh-key";
    }
    return s.address() == null ? "" : "ssh-agent";
  }

  /**
   * What is said of a stored password: never its value, and "(encrypted)" only when labrun
   * encrypted it.
   */
  private static String password(String stored) {
    if (SecretBox.isEncrypted(stored)) {
      return "(encrypted)";
    }
    if (SecretBox.isWorkbenchReference(stored)) {
      return SecretBox.WORKBENCH_REFERENCE
          + "... (a reference to Azure ML Workbench's credential store, which labrun cannot read;"
          + " attach again with --password-stdin)";
    }
    return "(not encrypted by labrun; attach again with --password-stdin)";
  }

  static Map<String, Object> describe(ComputeTargetSpec s) {
    Map<String, Object> m =
        fields(
            "name", s.name(),
            "type", s.type().configName(),
            "address", s.address(),
            "port", s.port(),
            "username", s.username(),
            "login", login(s),
            "password", s.hasPassword() ? password(s.password()) : null,
            "ssh_key_file", s.sshKeyFile(),
            "host_key_fingerprint", s.hostKeyFingerprint(),
            "base_docker_image", s.baseDockerImage(),
            "shared_volumes", s.sharedVolumes(),
            "nvidia_docker", s.nvidiaDocker(),
            "native_shared_directory", s.nativeSharedDirectory(),
            "user_managed_environment", s.userManagedEnvironment(),
            "python_location", s.python(),
            "spark_submit_location", s.sparkSubmit(),
            "spark_master", s.sparkMaster());
    m.values().removeIf(Objects::isNull);
    if (!s.otherKeys().isEmpty()) {
      m.put("other_keys", new LinkedHashMap<>(s.otherKeys()));
    }
    return m;
  }
}
