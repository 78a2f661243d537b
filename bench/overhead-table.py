"""One Markdown table from hyperfine JSON exports of pairs (a bare command, then labrun's):
median, mean ± sd, min of each, and labrun's minus the bare command's, per file.

    python3 bench/overhead-table.py A.json [B.json ...]
"""
import json
import sys

print("| command | runs | median [s] | mean ± sd [s] | min [s] |")
print("|:---|---:|---:|---:|---:|")
for path in sys.argv[1:]:
    r = json.load(open(path))["results"]
    for x in r:
        print("| `%s` | %d | %.3f | %.3f ± %.3f | %.3f |" % (x["command"], len(x["times"]), x["median"], x["mean"], x["stddev"], x["min"]))
    print("| labrun's overhead (median difference) | | %+.3f | %+.3f | %+.3f |" % (
        r[1]["median"] - r[0]["median"], r[1]["mean"] - r[0]["mean"], r[1]["min"] - r[0]["min"]))
