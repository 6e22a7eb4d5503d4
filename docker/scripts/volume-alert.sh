#!/bin/sh
# The daily-volume alert (question 5) as a scheduled job.
#
#   docker/scripts/volume-alert.sh [--out DIR] [other analyze flags]
#
# Runs the loader's `analyze` command (DATABASE_URL as usual; --month,
# --drop, --spike are passed through), then reads DIR/q5_alerts.csv: every
# data row is a day whose day-over-day change crossed a threshold.
#
# Exit status, so a cron job, a Kubernetes CronJob or CI can alert on it:
#   0   analyze succeeded and q5_alerts.csv has no rows
#   1   the alert fired: q5_alerts.csv has at least one row (printed)
#   2   the database (bad URL, unreachable), as analyze reports it
#   3   a bug in analyze
#   64  bad usage (analyze's exit 1), or analyze wrote no q5_alerts.csv
#
# DIR defaults to a fresh temporary folder, removed afterwards.
# REALXDEAL_CLI overrides the analyze command (default: node
# <repo>/packages/loader/dist/cli.js), e.g. for tests.
set -eu

root=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
cli=${REALXDEAL_CLI:-"node $root/packages/loader/dist/cli.js"}

# Find --out DIR / --out=DIR among the arguments; everything is passed on.
out=''
prev=''
for arg in "$@"; do
  case "$prev" in --out) out=$arg ;; esac
  case "$arg" in --out=*) out=${arg#--out=} ;; esac
  prev=$arg
done
[ "$prev" = "--out" ] && { echo "volume-alert: --out needs a folder" >&2; exit 64; }

cleanup=''
if [ -z "$out" ]; then
  out=$(mktemp -d "${TMPDIR:-/tmp}/volume-alert.XXXXXX")
  cleanup=$out
  set -- "$@" --out "$out"
fi
trap '[ -n "$cleanup" ] && rm -rf -- "$cleanup"' EXIT

status=0
# $cli is a command line on purpose (word splitting), e.g. "node /app/.../cli.js".
# shellcheck disable=SC2086
$cli analyze "$@" >&2 || status=$?
case "$status" in
  0) ;;
  1) echo "volume-alert: analyze refused its arguments (exit 1)" >&2; exit 64 ;;
  *) echo "volume-alert: analyze failed (exit $status)" >&2; exit "$status" ;;
esac

alerts="$out/q5_alerts.csv"
if [ ! -f "$alerts" ]; then
  echo "volume-alert: analyze wrote no $alerts" >&2
  exit 64
fi

# Data rows are the non-blank lines after the header.
rows=$(tail -n +2 -- "$alerts" | grep -c '[^[:space:]]' || true)
if [ "$rows" -gt 0 ]; then
  echo "volume-alert: $rows alert day(s) in $alerts:"
  cat -- "$alerts"
  exit 1
fi
echo "volume-alert: no alert day ($alerts has no rows)"
exit 0
