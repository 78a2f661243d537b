package io.labrun.compute.slurm;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Slurm's commands on this machine, found on the user's {@code PATH} and run with the user's
 * environment (which {@code sbatch} hands on to jobs).
 */
final class LocalCommands implements SlurmCommands {
  private final Map<String, String> env;

  LocalCommands(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public Result run(List<String> argv) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      return new Result(127, "", argv.get(0) + ": " + e.getMessage());
    }
    CompletableFuture<byte[]> err =
        CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
    byte[] out = readAll(p.getInputStream());
    try {
      int code = p.waitFor();
      return new Result(
          code,
          new String(out, StandardCharsets.UTF_8),
          new String(err.join(), StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      p.destroy();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while running " + argv.get(0));
    }
  }

  private static byte[] readAll(InputStream in) {
    try (in;
        ByteArrayOutputStream b = new ByteArrayOutputStream()) {
      in.transferTo(b);
      return b.toByteArray();
    } catch (IOException e) {
      return new byte[0];
    }
  }

  @Override
  public String where() {
    return "this machine";
  }
}
