package io.labrun.cli.server;

import io.labrun.cli.CliContext;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.ObjectStore;
import io.labrun.core.project.Project;
import io.labrun.server.LabrunServer;
import io.labrun.server.ServerConfig;
import io.labrun.server.ServerSetup;
import io.labrun.store.FileObjectStore;
import io.labrun.store.SqlRunStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code labrun server}: serve run history to a team (REST API, live logs, web UI). */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = {
      "Serve run history over a REST API (/api/v1/), live logs (Server-Sent Events) and a web UI.",
      "It also runs submitted projects on their targets. Every API call needs a token: 'labrun"
          + " server token create --name NAME'."
    },
    subcommands = {TokenCommand.class, SecretCommand.class, GcCommand.class, ObjectsCommand.class})
public final class ServerCommand implements Callable<Integer> {
  /** How long a stop (SIGTERM, Ctrl-C) waits for the server to close before the JVM ends. */
  private static final Duration CLOSING = Duration.ofSeconds(30);

  private final CliContext ctx;
  @Mixin StoreOption store;
  @Mixin ObjectsOption objects;

  @Option(
      names = "--port",
      defaultValue = "8470",
      description = "TCP port (default ${DEFAULT-VALUE}; 0 for any free port).")
  int port;

  @Option(
      names = "--bind",
      defaultValue = "127.0.0.1",
      paramLabel = "ADDRESS",
      description =
          "Address to listen on (default ${DEFAULT-VALUE}: this machine only). 0.0.0.0 listens on"
              + " every interface: put a TLS proxy in front.")
  String bind;

  @Option(
      names = {"-p", "--project"},
      paramLabel = "DIR",
      description = "A project whose aml_config/ targets the server shows.")
  Path project;

  @Option(
      names = "--runs-per-target",
      defaultValue = "2",
      paramLabel = "N",
      description = "Submitted runs executing at once per target (default ${DEFAULT-VALUE}).")
  int runsPerTarget;

  @Option(
      names = "--max-upload-mb",
      defaultValue = "1024",
      paramLabel = "MB",
      description =
          "The largest file a client may upload when objects are kept in a folder (default"
              + " ${DEFAULT-VALUE}): an upload is written to the server's disk first. With"
              + " --objects s3://... uploads pass straight through to S3 and any size is taken.")
  long maxUploadMb;

  public ServerCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) {
      throw LabrunException.badInput("--port must be between 0 and 65535, got " + port);
    }
    if (runsPerTarget < 1) {
      throw LabrunException.badInput("--runs-per-target must be at least 1, got " + runsPerTarget);
    }
    if (maxUploadMb < 1) {
      throw LabrunException.badInput("--max-upload-mb must be at least 1, got " + maxUploadMb);
    }
    Project p = project == null ? null : ctx.project(project);
    store.open(ctx);
    objects.open(ctx);
    ServerSetup setup = ServerSetup.of(ctx.wiring(), p);
    SqlRunStore history = (SqlRunStore) setup.store();
    ObjectStore kept = setup.objects();
    ServerConfig config =
        new ServerConfig(bind, port, runsPerTarget, Math.multiplyExact(maxUploadMb, 1L << 20));
    CountDownLatch stopped = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    try (LabrunServer server = LabrunServer.start(config, setup)) {
      // SIGTERM or Ctrl-C: the JVM ends once its hooks have, so this one waits for the server to
      // close (a run's end being recorded, its record that it runs removed), at most 30 s.
      Thread hook =
          new Thread(
              () -> {
                stopped.countDown();
                try {
                  closed.await(CLOSING.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      Runtime.getRuntime().addShutdownHook(hook);
      if (!isLoopback(bind)) {
        ctx.warn(
            "listening on "
                + bind
                + ": anyone who can reach it may try tokens; serve it through TLS (a reverse"
                + " proxy)");
      }
      ctx.out()
          .println(
              "labrun server listening on http://"
                  + (bind.contains(":") ? "[" + bind + "]" : bind)
                  + ":"
                  + server.port()
                  + "/ (history: "
                  + history.toString().replaceFirst("^SqlRunStore\\[(.*)]$", "$1")
                  + ", objects: "
                  + objectsName(kept)
                  + ")");
      ctx.out().flush();
      try {
        stopped.await();
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the JVM is stopping: the hook has run
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closed.countDown(); // after the server closed: try-with-resources closes it first
    }
    return 0;
  }

  private static String objectsName(ObjectStore kept) {
    return kept instanceof FileObjectStore f ? f.root().toString() : kept.toString();
  }

  static boolean isLoopback(String address) {
    return address.equals("localhost") || address.startsWith("127.") || address.equals("::1");
  }
}
