#!/bin/sh
# SPDX-License-Identifier: MIT
# `make bench`: content, scan-storm, sync and memory benchmarks against nginx.
# Not written yet: this build has no client protocol to storm.
echo "openwsus bench: no benchmarks in this version yet; docs/benchmarks.md is not written" >&2
exit 2
