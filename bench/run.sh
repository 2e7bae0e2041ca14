#!/usr/bin/env bash
# Builds the benchmarks in Release and runs them; arguments go to the program (suites and options), e.g.
#   bench/run.sh                       every suite, 3 runs each after a warm-up (about 10 minutes on 2 cores)
#   bench/run.sh store bus --reps 5
#   bench/run.sh all --scale 0.1       a quick check that everything runs; the figures mean nothing
#   bench/run.sh list                  the suites
set -euo pipefail
cd "$(dirname "$0")/.."

echo "nproc: $(nproc)"
echo "dotnet: $(dotnet --version)"
dotnet build -c Release bench/Integration.Benchmarks -nologo -v quiet
exec dotnet run -c Release --no-build --project bench/Integration.Benchmarks -- "$@"
