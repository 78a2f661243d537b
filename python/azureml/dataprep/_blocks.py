"""The data-prep blocks labrun runs, on pandas.

A dataflow starts from a data source (``DataSourceBlock``: the files to read, or a
``ReferenceActivityBlock``: the result of an activity in another file), parses the files
(``ParseDelimitedBlock``, which adds a ``Path`` column naming each row's file, as the original
did) and then changes the table block by block. Argument values are the original's enumerations:

- ParseDelimitedBlock ``columnHeadersMode``: 0 no header (columns ``Column1``..``ColumnN``), 1 the
  first file's first line, 2 and 3 every file's first line; ``fileEncoding``: 0 UTF-8,
  1 ISO-8859-1, 2 Latin-1, 3 ASCII, 4 UTF-16, 5 UTF-32, 6 UTF-8 with BOM, 7 Windows-1252;
  ``skipRowsMode``: 0 none, 1 ``skipRows`` lines of the first file, 2 and 3 of every file. An
  empty field is null (NaN), and so is every field of an empty line.
- SetColumnTypesBlock ``typeProperty``: 0 string, 1 boolean, 2 integer, 3 decimal, 4 date; a value
  that does not convert becomes null.
- SampleBlock: the active sample, when not disabled; ``sampleStrategy`` 0 the first N rows, 1 N
  random rows, 2 a random share of the rows (seeded by the sample's id, so every run gets the same).
- HandlePathColumnBlock ``pathColumnOperation``: 0 drops the ``Path`` column, 1 keeps it.
- FilterStringColumnBlock ``filterResult``: 0 keeps the rows that match, 1 removes them; the clause
  operator labrun knows is 2, "is null" (null or the empty string), with one clause.

A value outside these is said in one line (:class:`UserError`) rather than guessed.
"""

import io
import os
import sys
import zlib

from labrun._errors import UserError

PREFIX = "Microsoft.DPrep."
PATH_COLUMN = "Path"
_ENCODINGS = {0: "utf-8", 1: "iso-8859-1", 2: "latin-1", 3: "ascii", 4: "utf-16", 5: "utf-32", 6: "utf-8-sig",
              7: "cp1252"}
_IS_NULL = 2
_warned = set()


class Dataflow(object):
    """Runs the blocks of one activity (see the module's docstring)."""

    def __init__(self, pandas):
        self.pd = pandas

    def run(self, activity, path):
        table = None
        for number, block in enumerate(activity.get("blocks") or [], 1):
            kind = str(block.get("type", ""))
            name = kind[len(PREFIX):] if kind.startswith(PREFIX) else kind
            if name.endswith("Inspector"):
                continue  # describes the data, changes nothing
            step = getattr(self, "_" + name, None) if name.endswith("Block") else None
            where = "block %d of dataflow %r in %s" % (number, activity.get("name", activity.get("id")), path)
            if step is None:
                raise UserError("%s is a %s, which labrun cannot run; it runs %s" % (where, kind, ", ".join(supported())))
            table = step(table, block.get("arguments") or {}, Place(path, where))
        if table is None or isinstance(table, Files):
            raise UserError("dataflow %r in %s reads no table (no ParseDelimitedBlock)" % (activity.get("name"), path))
        return table.reset_index(drop=True)

    # -- sources ---------------------------------------------------------------------------------

    def _ReferenceActivityBlock(self, table, args, place):
        from azureml.dataprep.package import activities
        ref = args.get("reference") or {}
        container = ref.get("referenceContainerPath")
        if not container:
            raise UserError("%s refers to no file (referenceContainerPath)" % place.where)
        source = place.resolve(container)
        found = activities(source)
        wanted = ref.get("referencedActivityId")
        chosen = [a for a in found if a.get("id") == wanted] if wanted else found[:1]
        if not chosen:
            raise UserError("%s refers to activity %s, which %s does not have" % (place.where, wanted, source))
        return Dataflow(self.pd).run(chosen[0], source)

    def _DataSourceBlock(self, table, args, place):
        path = args.get("path") or {}
        if path.get("target", 0) != 0:
            raise UserError("%s reads from storage target %r; labrun reads local files only (target 0)"
                            % (place.where, path.get("target")))
        details = path.get("resourceDetails") or []
        if not details:
            raise UserError("%s names no file (resourceDetails)" % place.where)
        return Files([place.data_file(str(d.get("path", ""))) for d in details])

    def _ParseDelimitedBlock(self, table, args, place):
        if not isinstance(table, Files):
            raise UserError("%s parses files, but no DataSourceBlock comes before it" % place.where)
        headers = place.code(args, "columnHeadersMode", (0, 1, 2, 3), 0)
        encoding = _ENCODINGS[place.code(args, "fileEncoding", tuple(_ENCODINGS), 0)]
        skip_mode = place.code(args, "skipRowsMode", (0, 1, 2, 3), 0)
        skip = int(args.get("skipRows") or 0) if skip_mode else 0
        frames, names = [], None
        for i, path in enumerate(table.paths):
            lines = self._lines(path, encoding, skip if (skip_mode >= 2 or i == 0) else 0, args.get("commentLineCharacter"))
            header = headers >= 2 or (headers == 1 and i == 0)
            frame = self._parse(lines, args.get("separator") or ",", header)
            if not header:
                frame.columns = names if (names and len(names) == len(frame.columns)) else \
                    ["Column%d" % (c + 1) for c in range(len(frame.columns))]
            names = names or list(frame.columns)
            frame.insert(0, PATH_COLUMN, path)
            frames.append(frame)
        return self.pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]

    def _lines(self, path, encoding, skip, comment):
        with open(path, "r", encoding=encoding, newline="") as f:
            text = f.read()
        lines = text.splitlines(True)[skip:]
        if comment:
            lines = [line for line in lines if not line.startswith(comment)]
        return "".join(lines)

    def _parse(self, text, separator, header):
        return self.pd.read_csv(io.StringIO(text), sep=separator, header=0 if header else None, dtype=str,
                                keep_default_na=False, na_values=[""], skip_blank_lines=False, engine="python")

    # -- changes ---------------------------------------------------------------------------------

    def _SetColumnTypesBlock(self, table, args, place):
        table = place.table(table).copy()
        for conversion in args.get("columnConversion") or []:
            column = place.column(table, conversion.get("columnId"))
            kind = place.code(conversion, "typeProperty", (0, 1, 2, 3, 4), 0)
            table[column] = self._convert(table[column], kind)
        return table

    def _convert(self, values, kind):
        pd = self.pd
        if kind == 0:
            return values.astype(object).where(values.notna(), None)
        if kind == 1:
            lowered = values.astype(str).str.strip().str.lower()
            return lowered.map({"true": True, "false": False, "1": True, "0": False}).astype(object)
        if kind == 4:
            return pd.to_datetime(values, errors="coerce")
        numbers = pd.to_numeric(values, errors="coerce")
        if kind == 2:
            whole = numbers.dropna()
            if (whole == whole.round()).all():
                return numbers.astype("Int64") if numbers.isna().any() else numbers.astype("int64")
        return numbers.astype("float64")

    def _SampleBlock(self, table, args, place):
        table = place.table(table)
        active = args.get("activeSample")
        sample = next((s for s in args.get("samples") or [] if s.get("sampleId") == active), None)
        if sample is None or sample.get("isDisabled"):
            return table
        strategy = place.code(sample, "sampleStrategy", (0, 1, 2), 0)
        seed = zlib.crc32(str(active).encode("utf-8"))
        if strategy == 0:
            return table.head(int((sample.get("topArguments") or {}).get("sampleCount", len(table))))
        if strategy == 1:
            n = int((sample.get("randomNArguments") or {}).get("sampleCount", len(table)))
            return table.sample(n=min(n, len(table)), random_state=seed).sort_index()
        share = float((sample.get("randomPercentArguments") or {}).get("probability", 1.0))
        return table.sample(frac=min(max(share, 0.0), 1.0), random_state=seed).sort_index()

    def _HandlePathColumnBlock(self, table, args, place):
        table = place.table(table)
        if place.code(args, "pathColumnOperation", (0, 1), 0) == 0 and PATH_COLUMN in table.columns:
            return table.drop(columns=[PATH_COLUMN])
        return table

    def _ColumnRenameBlock(self, table, args, place):
        table = place.table(table)
        column = place.column(table, args.get("columnId"))
        return table.rename(columns={column: args.get("newColumnId")})

    def _FilterStringColumnBlock(self, table, args, place):
        table = place.table(table)
        column = place.column(table, args.get("columnId"))
        keep = place.code(args, "filterResult", (0, 1), 0) == 0
        clauses = args.get("clauses") or []
        if len(clauses) != 1:
            raise UserError("%s has %d clauses; labrun runs a string filter of one clause" % (place.where, len(clauses)))
        place.code(clauses[0], "operator", (_IS_NULL,), None)
        values = table[column]
        match = values.isna() | (values.astype(str) == "")
        return table[match if keep else ~match]


def supported():
    return sorted(PREFIX + name[1:] for name in vars(Dataflow) if name.startswith("_") and name.endswith("Block"))


class Files(object):
    """The files a data source names, before they are parsed."""

    def __init__(self, paths):
        self.paths = paths


class Place(object):
    """Where a block is (for its messages) and the file its paths are relative to."""

    def __init__(self, path, where):
        self.path = path
        self.where = where

    def resolve(self, relative):
        """A path of the file, read from the file's folder (or, failing that, the working folder)."""
        if os.path.isabs(relative):
            return relative
        beside = os.path.join(os.path.dirname(os.path.abspath(self.path)), relative)
        return beside if os.path.exists(beside) or not os.path.exists(relative) else os.path.abspath(relative)

    def data_file(self, path):
        """The data file ``path`` names; one from the author's machine (``C:\\Users\\...\\x.csv``)
        that is not here falls back, with one warning, to the project's file of the same name."""
        found = self.resolve(path)
        if os.path.isfile(found):
            return found
        name = path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
        local = self._in_project(name) if name else None
        if local is None:
            raise UserError("%s reads %s, which is not here, and the project has no file named %r"
                            % (self.where, path, name))
        if (path, local) not in _warned:
            _warned.add((path, local))
            sys.stderr.write("labrun: %s reads %s, which is not on this machine: reading %s instead\n"
                             % (self.where, path, os.path.relpath(local)))
            sys.stderr.flush()
        return local

    def _in_project(self, name):
        for folder in (os.path.dirname(os.path.abspath(self.path)), os.getcwd()):
            if os.path.isfile(os.path.join(folder, name)):
                return os.path.join(folder, name)
        for folder, dirs, files in os.walk(os.getcwd()):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "outputs")
            if name in files:
                return os.path.join(folder, name)
        return None

    def table(self, table):
        if table is None or isinstance(table, Files):
            raise UserError("%s needs a table, but none is read before it (a ParseDelimitedBlock)" % self.where)
        return table

    def column(self, table, column):
        if column not in table.columns:
            raise UserError("%s names column %r, which the table does not have (it has %s)"
                            % (self.where, column, ", ".join(map(str, table.columns))))
        return column

    def code(self, args, key, known, default):
        value = args.get(key, default)
        if value not in known:
            raise UserError("%s has %s %r, which labrun does not know (it knows %s)"
                            % (self.where, key, value, ", ".join(map(str, known))))
        return value
