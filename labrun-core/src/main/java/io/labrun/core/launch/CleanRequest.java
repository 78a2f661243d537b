package io.labrun.core.launch;

import io.labrun.core.config.ComputeTargetSpec;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One {@code labrun experiment clean}, as each module's {@link TargetCleaner} gets it.
 *
 * @param targets the project's compute targets (none outside a project); a cleaner visits those of
 *     its own kinds
 * @param runIsOver whether the run of an id may lose what it left (its end is recorded, or it is no
 *     longer in the history)
 * @param endRecorded whether the history records the end of the run of an id: a folder another
 *     labrun home may still collect is not one of those, nor one a target on the same host keeps
 * @param nothingUnfinished whether no run at all is unfinished (so no run can be using a cached
 *     environment)
 * @param dockerEngine whether this machine's Docker engine may be cleaned ({@code --no-docker} says
 *     no)
 * @param everyOwner whether to remove what any user's labrun made, not only this one's ({@code
 *     --all})
 * @param warn where a place that could not be cleaned is said, one line
 */
public record CleanRequest(
    List<ComputeTargetSpec> targets,
    Predicate<String> runIsOver,
    Predicate<String> endRecorded,
    boolean nothingUnfinished,
    boolean dockerEngine,
    boolean everyOwner,
    Consumer<String> warn) {
  public CleanRequest {
    targets = List.copyOf(targets);
  }
}
