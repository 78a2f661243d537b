"""azureml.dataprep.package.run: Workbench data-prep packages (.dprep -> .dsource -> CSV) as pandas
DataFrames, with fixtures in the original's format, run by an interpreter that has pandas."""

import json
import os
import subprocess
import textwrap

from tests.support import PYTHON_DIR, TempDirTest, env_with, pandas_python

P = "Microsoft.DPrep."
SUMMARY = textwrap.dedent("""
    import json, sys
    from azureml.dataprep.package import run
    df = run(sys.argv[1], dataflow_idx=int(sys.argv[2]), spark=False)
    print(json.dumps({"shape": list(df.shape), "columns": [str(c) for c in df.columns],
                      "dtypes": [str(t) for t in df.dtypes],
                      "rows": json.loads(df.to_json(orient="values", date_format="iso"))}))
    """)


def block(kind, **arguments):
    return {"id": "b-" + kind, "type": P + kind, "arguments": arguments}


def inspector(kind):
    return {"id": "i-" + kind, "type": P + kind, "arguments": {}, "isBackground": True}


def package(*activities):
    return {"schemaVersion": 38, "id": "pkg", "activities": [
        {"id": "act-%d" % i, "name": "flow%d" % i, "blocks": list(blocks), "inspectors": [inspector("DataQualityInspector")]}
        for i, blocks in enumerate(activities)], "runConfigurations": []}


def source(path, **parse):
    args = {"preview": False, "columnHeadersMode": 0, "separator": ",", "fileEncoding": 0, "skipRowsMode": 0,
            "handleQuotedLineBreaks": False}
    args.update(parse)
    return [block("DataSourceBlock", path={"target": 0, "resourceDetails": [{"path": path}]}),
            block("ParseDelimitedBlock", **args)]


def sample(strategy=0, count=10000, probability=0.1, disabled=False):
    return block("SampleBlock", activeSample="s1", samples=[{
        "sampleId": "s1", "sampleName": "Top 10000", "sampleStrategy": strategy, "topArguments": {"sampleCount": count},
        "randomNArguments": {"sampleCount": count}, "randomPercentArguments": {"probability": probability},
        "isDisabled": disabled}])


def types(**columns):
    return block("SetColumnTypesBlock", columnConversion=[
        {"columnId": c, "typeProperty": t, "typeArguments": {}} for c, t in columns.items()])


def drop_path():
    return block("HandlePathColumnBlock", pathColumnOperation=0)


def null_filter(column, result):
    return block("FilterStringColumnBlock", columnId=column, filterResult=result, clauseRelationship=1,
                 clauses=[{"operator": 2}])


def reference(container, activity_id="act-0"):
    return block("ReferenceActivityBlock", reference={
        "referenceType": 1, "referenceContainerPath": container, "referencedActivityId": activity_id,
        "referencedBranchId": None, "referencedStep": None, "anonymousSteps": None})


IRIS = "5.1,3.5,1.4,0.2,Iris-setosa\n7.0,3.2,4.7,1.4,Iris-versicolor\n6.3,3.3,6.0,2.5,Iris-virginica\n\n"


class DataPrepTest(TempDirTest):
    def write(self, name, content):
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(content if isinstance(content, str) else json.dumps(content, indent=2))
        return path

    def run_code(self, code, *args, extra_path=None):
        path = os.pathsep.join(p for p in (extra_path, PYTHON_DIR) if p)
        return subprocess.run([pandas_python(), "-c", code] + list(args), cwd=self.tmp, env=env_with(PYTHONPATH=path),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)

    def frame(self, package_file, index=0):
        result = self.run_code(SUMMARY, package_file, str(index))
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        return json.loads(result.stdout.decode().strip().splitlines()[-1]), result.stderr.decode()

    def fails(self, package_file, index=0, **kwargs):
        result = self.run_code(SUMMARY, package_file, str(index), **kwargs)
        err = result.stderr.decode()
        self.assertEqual(result.returncode, 1, err)
        self.assertNotIn("Traceback", err)
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        self.assertTrue(err.startswith("labrun: "), err)
        return err.strip()

    def iris(self, data_path="./iris.csv"):
        self.write("iris.csv", IRIS)
        self.write("iris.dsource", package(source(data_path) + [
            types(Column1=3, Column3=3, Column2=3, Column4=3), sample(), drop_path()]))
        renames = [block("ColumnRenameBlock", columnId="Column%d" % i, newColumnId=n) for i, n in
                   enumerate(["Sepal Length", "Sepal Width", "Petal Length", "Petal Width", "Species"], 1)]
        return self.write("iris.dprep", package([reference("./iris.dsource")] + renames + [null_filter("Species", 1)]))

    def test_an_iris_style_package_through_its_data_source(self):
        self.iris()
        df, err = self.frame("iris.dprep")
        self.assertEqual(df["shape"], [3, 5])  # the empty last line is a row of nulls, which the filter removes
        self.assertEqual(df["columns"], ["Sepal Length", "Sepal Width", "Petal Length", "Petal Width", "Species"])
        self.assertEqual(df["dtypes"], ["float64"] * 4 + ["object"])
        self.assertEqual(df["rows"][1], [7.0, 3.2, 4.7, 1.4, "Iris-versicolor"])
        self.assertEqual(err, "")

    def test_a_data_source_alone_as_the_workbench_generated_code_read_it(self):
        self.iris()
        result = self.run_code("from azureml.dataprep import datasource\n"
                               "print(datasource.load_datasource('iris.dsource').shape)")
        self.assertEqual(result.stdout.decode().strip(), "(4, 5)", result.stderr.decode())  # no filter there

    def test_the_parse_keeps_a_path_column_until_a_block_drops_it(self):
        self.write("d.csv", "a,b\n1,x\n")
        self.write("keep.dprep", package(source("d.csv", columnHeadersMode=1) + [block("HandlePathColumnBlock", pathColumnOperation=1)]))
        df, _ = self.frame("keep.dprep")
        self.assertEqual(df["columns"], ["Path", "a", "b"])
        self.assertEqual(df["rows"], [[os.path.realpath(self.path("d.csv")), "1", "x"]])
        self.write("drop.dprep", package(source("d.csv", columnHeadersMode=1) + [drop_path()]))
        self.assertEqual(self.frame("drop.dprep")[0]["columns"], ["a", "b"])

    def test_parse_options_headers_separator_skipped_rows_comments_encoding(self):
        with open(self.path("d.csv"), "wb") as f:
            f.write("exported by a tool\nname;city\n# a comment\nJosé;Zürich\n\"a;b\";\"two\nlines\"\n".encode("latin-1"))
        self.write("p.dprep", package(source("d.csv", columnHeadersMode=1, separator=";", fileEncoding=2,
                                             skipRowsMode=1, skipRows=1, commentLineCharacter="#") + [drop_path()]))
        df, _ = self.frame("p.dprep")
        self.assertEqual(df["columns"], ["name", "city"])
        self.assertEqual(df["rows"], [["José", "Zürich"], ["a;b", "two\nlines"]])

    def test_column_types(self):
        self.write("t.csv", "1,true,x,2018-01-02,1.5\n2,False,,2018-03-04,oops\n")
        self.write("t.dprep", package(source("t.csv") + [
            types(Column1=2, Column2=1, Column3=0, Column4=4, Column5=3), drop_path()]))
        df, _ = self.frame("t.dprep")
        self.assertEqual(df["dtypes"], ["int64", "object", "object", "datetime64[ns]", "float64"])
        self.assertEqual(df["rows"][0][:3], [1, True, "x"])
        self.assertEqual(df["rows"][1][:3], [2, False, None])
        self.assertTrue(df["rows"][1][3].startswith("2018-03-04"))
        self.assertEqual([r[4] for r in df["rows"]], [1.5, None])  # a value that does not convert is null

    def test_samples(self):
        self.write("n.csv", "".join("%d\n" % i for i in range(100)))
        for name, blk, check in (
                ("top", sample(0, count=3), lambda rows: self.assertEqual(rows, [[0], [1], [2]])),
                ("off", sample(0, count=3, disabled=True), lambda rows: self.assertEqual(len(rows), 100)),
                ("randn", sample(1, count=5), lambda rows: self.assertEqual(len(rows), 5)),
                ("share", sample(2, probability=0.5), lambda rows: self.assertEqual(len(rows), 50))):
            self.write(name + ".dprep", package(source("n.csv") + [types(Column1=2), blk, drop_path()]))
            first = self.frame(name + ".dprep")[0]["rows"]
            check(first)
            self.assertEqual(self.frame(name + ".dprep")[0]["rows"], first, name + ": every run gets the same sample")

    def test_a_filter_that_keeps_the_null_rows(self):
        self.write("f.csv", "a,x\nb,\n")
        self.write("f.dprep", package(source("f.csv") + [null_filter("Column2", 0), drop_path()]))
        self.assertEqual(self.frame("f.dprep")[0]["rows"], [["b", None]])

    def test_the_dataflow_index_picks_the_activity(self):
        self.write("a.csv", "1\n")
        self.write("b.csv", "2\n3\n")
        self.write("two.dprep", package(source("a.csv") + [drop_path()], source("b.csv") + [drop_path()]))
        self.assertEqual(self.frame("two.dprep", 1)[0]["rows"], [["2"], ["3"]])
        self.assertIn("two.dprep has 2 dataflow(s): dataflow_idx 2 is not one of 0..1", self.fails("two.dprep", 2))

    def test_a_path_from_the_authors_windows_machine_falls_back_to_the_projects_file(self):
        self.iris(r"C:\Users\someone\Documents\AzureML\iris\iris.csv")
        df, err = self.frame("iris.dprep")
        self.assertEqual(df["shape"], [3, 5])
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        self.assertIn(r"reads C:\Users\someone\Documents\AzureML\iris\iris.csv, which is not on this machine: "
                      "reading iris.csv instead", err)

    def test_a_data_file_found_nowhere(self):
        self.write("m.dsource", package(source(r"C:\data\missing.csv")))
        err = self.fails("m.dsource")
        self.assertIn(r"in m.dsource reads C:\data\missing.csv, which is not here, and the project has no file named "
                      "'missing.csv'", err)

    def test_a_block_labrun_cannot_run_is_named_with_its_file(self):
        self.write("d.csv", "1\n")
        self.write("u.dprep", package(source("d.csv") + [block("DeriveColumnByExample", examples=[])]))
        err = self.fails("u.dprep")
        self.assertIn("block 3 of dataflow 'flow0' in u.dprep is a Microsoft.DPrep.DeriveColumnByExample, "
                      "which labrun cannot run", err)
        self.assertIn(P + "ParseDelimitedBlock", err)

    def test_an_argument_value_labrun_does_not_know(self):
        self.write("d.csv", "1\n")
        self.write("o.dprep", package(source("d.csv") + [block("FilterStringColumnBlock", columnId="Column1",
                                                               filterResult=1, clauses=[{"operator": 5, "value": "x"}])]))
        self.assertIn("in o.dprep has operator 5, which labrun does not know (it knows 2)", self.fails("o.dprep"))
        self.write("c.dprep", package(source("d.csv") + [block("ColumnRenameBlock", columnId="Nope", newColumnId="x")]))
        self.assertIn("names column 'Nope', which the table does not have", self.fails("c.dprep"))

    def test_a_missing_package(self):
        self.assertIn("data-prep file not found: none.dprep", self.fails("none.dprep"))

    def test_without_pandas_one_line_says_what_to_install(self):
        self.iris()
        blocked = self.write("blocked/pandas.py", "raise ImportError('No module named pandas')\n")
        err = self.fails("iris.dprep", extra_path=os.path.dirname(blocked))
        self.assertIn("azureml.dataprep.package.run needs pandas, which this Python", err)
        self.assertIn("pip install pandas, or the python3-pandas package", err)

    def test_spark_without_pyspark(self):
        self.iris()
        blocked = self.write("blocked/pyspark/__init__.py", "raise ImportError('No module named pyspark')\n")
        result = self.run_code("from azureml.dataprep.package import run\nrun('iris.dprep', dataflow_idx=0, spark=True)",
                               extra_path=os.path.dirname(os.path.dirname(blocked)))
        err = result.stderr.decode().strip()
        self.assertEqual(result.returncode, 1, err)
        self.assertEqual(len(err.splitlines()), 1, err)
        self.assertIn("run(..., spark=True) returns a Spark DataFrame and needs pyspark", err)

    def test_the_scripts_own_errors_keep_their_traceback(self):
        self.iris()
        result = self.run_code("from azureml.dataprep.package import run\nrun('iris.dprep')['no such column']")
        err = result.stderr.decode()
        self.assertEqual(result.returncode, 1, err)
        self.assertIn("Traceback", err)
        self.assertIn("KeyError: 'no such column'", err)
