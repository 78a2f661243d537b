package io.labrun.cli.server;

import io.labrun.cli.CliContext;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.ObjectIds;
import io.labrun.core.history.ObjectStore;
import io.labrun.store.FileObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code labrun server objects ...}: the object store of a server, run on the server host. */
@Command(
    name = "objects",
    mixinStandardHelpOptions = true,
    description = "Manage where a server keeps snapshot files and artifacts.",
    subcommands = {ObjectsCommand.Migrate.class})
public final class ObjectsCommand {

  /**
   * {@code server objects migrate --to s3://...}: copies every object of the folder store into
   * another store, checking each arrived whole (its size, its SHA-256 id). Interrupted, it resumes
   * where it stopped: objects already there are skipped, a large one half sent continues from its
   * last part. The folder is left as it was; start the server with the new {@code --objects}.
   */
  @Command(
      name = "migrate",
      mixinStandardHelpOptions = true,
      description = {
        "Copy every object of the folder store (default: the data folder's objects/) to another"
            + " store, checking each.",
        "Interrupted, run it again: it resumes. The folder is left as it was."
      })
  public static final class Migrate implements Callable<Integer> {
    private final CliContext ctx;

    @Option(
        names = "--to",
        required = true,
        paramLabel = "WHERE",
        description = "Where to copy the objects: s3://BUCKET/PREFIX or a folder.")
    String to;

    @Option(
        names = "--from",
        paramLabel = "FOLDER",
        description = "The folder store to copy (default: the data folder's objects/).")
    Path from;

    public Migrate(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      Path folder = from == null ? ctx.paths().objects() : ctx.cwd().resolve(from);
      if (!Files.isDirectory(folder)) {
        throw LabrunException.badInput(
            "there is no object folder at " + folder + "; give the folder to copy with --from");
      }
      FileObjectStore source = new FileObjectStore(folder);
      ObjectStore target = ctx.wiring().useObjects(to);
      int copied = 0;
      int present = 0;
      long bytes = 0;
      try {
        List<String> ids = source.ids();
        for (String id : ids) {
          if (target.contains(id)) {
            present++;
            continue;
          }
          Path file = source.file(id);
          if (!ObjectIds.of(file).equals(id)) {
            throw new LabrunException(
                ExitCode.STORE,
                "object "
                    + id
                    + " in "
                    + folder
                    + " does not hash to its name (damaged on disk); nothing was copied for it:"
                    + " restore it from a backup or remove it, then run the migration again");
          }
          long size = Files.size(file);
          target.put(file);
          if (target.size(id) != size) {
            throw new LabrunException(
                ExitCode.STORE,
                "object "
                    + id
                    + " arrived with "
                    + target.size(id)
                    + " bytes instead of "
                    + size
                    + "; run the migration again");
          }
          copied++;
          bytes += size;
        }
      } catch (IOException e) {
        throw new LabrunException(
            ExitCode.STORE,
            "the migration stopped after "
                + copied
                + " objects ("
                + e.getMessage()
                + "); run the same command again to resume",
            e);
      }
      ctx.out()
          .println(
              "Copied "
                  + copied
                  + " objects ("
                  + bytes
                  + " bytes) from "
                  + folder
                  + " to "
                  + target
                  + "; "
                  + present
                  + " were there already. Start the server with --objects "
                  + to.strip()
                  + ".");
      ctx.out().flush();
      return 0;
    }
  }
}
