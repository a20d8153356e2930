#!/bin/sh
# render_check.sh renders an HTML report with headless Chromium and checks
# that the screenshot is not blank (see TestRenderChromium in
# ../render_test.go, which does the work).
#
# Usage, from anywhere inside the module:
#   report/testdata/render_check.sh [report.html [screenshot.png]]
# With no argument a sample report is generated and rendered. The
# screenshot is kept at the second argument (default: ./report-screenshot.png)
# so that it can be looked at. Needs Chromium (Debian: apt-get install chromium).
set -eu
if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null && ! command -v google-chrome >/dev/null; then
	echo "render_check: no chromium in PATH" >&2
	exit 1
fi
here=$(cd "$(dirname "$0")/.." && pwd)
html=""
if [ $# -ge 1 ]; then
	html=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
fi
shot=${2:-$PWD/report-screenshot.png}
case $shot in /*) ;; *) shot=$PWD/$shot ;; esac
cd "$here"
REPORT_RENDER_HTML=$html REPORT_RENDER_PNG=$shot \
	go test -count=1 -run '^TestRenderChromium$' -v .
echo "screenshot: $shot"
