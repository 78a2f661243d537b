package io.labrun.cli.server;

import static org.awaitility.Awaitility.await;

import io.labrun.cli.Cli;
import io.labrun.cli.CliContext;
import io.labrun.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code labrun server ...} running in a thread of the test, as a user starts it; closing stops it.
 */
public final class RunningServer implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+?)/ ");
  private final Thread thread;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final AtomicInteger exit = new AtomicInteger(-1);
  private final String url;

  public RunningServer(Cli cli, Path cwd, String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "server";
    all[1] = "--port";
    all[2] = "0";
    System.arraycopy(args, 0, all, 3, args.length);
    thread =
        new Thread(
            () -> {
              try (CliContext ctx =
                  new CliContext(
                      cli.environment(), cwd, new ByteArrayInputStream(new byte[0]), false)) {
                exit.set(
                    Main.run(ctx, new PrintWriter(out, true), new PrintWriter(err, true), all));
              }
            },
            "labrun-server-under-test");
    thread.start();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> LISTENING.matcher(out.toString()).find() || exit.get() >= 0);
    Matcher m = LISTENING.matcher(out.toString());
    if (!m.find()) {
      throw new IllegalStateException(
          "labrun server did not start: exit " + exit.get() + "\n" + out + err);
    }
    url = m.group(1);
  }

  public String url() {
    return url;
  }

  public String output() {
    return out + "\n" + err;
  }

  /** Stops the server (as Ctrl-C would) and returns its exit code. */
  public int stop() throws InterruptedException {
    thread.interrupt();
    thread.join(Duration.ofSeconds(30).toMillis());
    return exit.get();
  }

  @Override
  public void close() throws InterruptedException {
    if (thread.isAlive()) {
      stop();
    }
  }
}
