#!/usr/bin/env bash
# Copies the browser tests' screenshots that the user guide shows into docs/images/, shrunk to 960
# pixels wide with a 256-colour palette (needs Debian's python3-pil):
#   ./mvnw -B -pl labrun-server -am verify -Dtest=none -Dit.test='BrowserUiIT,RunsTableUiIT,RunPageUiIT,CompareUiIT,SweepUiIT' -Dsurefire.failIfNoSpecifiedTests=false
#   scripts/doc-screenshots.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
from="$root/labrun-server/target/screenshots"
to="$root/docs/images"
mkdir -p "$to"
/usr/bin/python3 - "$from" "$to" runs-filtered runs-columns runs-grouped run-charts run-million run-previews run-edits compare-many compare-differs sweeps sweep sweep-brushed <<'PY'
import sys
from PIL import Image
src, dst, names = sys.argv[1], sys.argv[2], sys.argv[3:]
for n in names:
    im = Image.open(f"{src}/{n}.png").convert("RGB")
    if im.width > 960:
        im = im.resize((960, round(im.height * 960 / im.width)), Image.LANCZOS)
    im = im.crop((0, 0, im.width, min(im.height, 1400)))
    im.quantize(colors=256, method=Image.MEDIANCUT).save(f"{dst}/ui-{n}.png", optimize=True)
    print(f"docs/images/ui-{n}.png")
PY
