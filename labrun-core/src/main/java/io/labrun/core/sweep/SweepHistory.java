package io.labrun.core.sweep;

import java.util.Optional;

/**
 * The sweeps of one history: the run store's records ({@link SweepRecords}), with what an older
 * labrun kept in the data folder ({@link SweepFiles}: {@code DATA/sweeps/ID.json} and {@code
 * ID.canceled}) imported into them the first time a sweep is looked up and the store does not know
 * it. Beside an embedded history, whose runs are also kept in their folders so that {@code history
 * rebuild} can make it again, each sweep and cancel mark is copied to those files as well; a team
 * history (PostgreSQL) keeps them in the database only.
 */
public final class SweepHistory implements SweepRecords {
  private final SweepRecords store;
  private final SweepFiles files;
  private final boolean copyToFiles;

  /**
   * {@code copyToFiles}: also write each sweep and cancel mark to {@code files} (an embedded
   * history's data folder).
   */
  public SweepHistory(SweepRecords store, SweepFiles files, boolean copyToFiles) {
    this.store = store;
    this.files = files;
    this.copyToFiles = copyToFiles;
  }

  @Override
  public void write(Sweep sweep) {
    store.write(sweep);
    if (copyToFiles) {
      files.write(sweep);
    }
  }

  @Override
  public Optional<Sweep> read(String id) {
    Optional<Sweep> kept = store.read(id);
    if (kept.isPresent()) {
      return kept;
    }
    Optional<Sweep> older = files.read(id);
    older.ifPresent(store::write);
    return older;
  }

  @Override
  public void markCanceled(String id) {
    store.markCanceled(id);
    if (copyToFiles) {
      files.markCanceled(id);
    }
  }

  @Override
  public boolean canceled(String id) {
    if (store.canceled(id)) {
      return true;
    }
    if (files.canceled(id)) {
      store.markCanceled(id);
      return true;
    }
    return false;
  }
}
